// DESIGN §1's dependency direction, checked: adapters depend on core and their SDK only; core never
// imports @spillway/testing (its test doubles are @spillway/core/testing).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packages = join(import.meta.dirname, '..', 'packages');
const manifest = (name: string) =>
  JSON.parse(readFileSync(join(packages, name, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('package boundaries', () => {
  it.each(['openai', 'anthropic', 'groq', 'google'])(
    '@spillway/%s depends on @spillway/core alone',
    (name) => {
      const spillway = Object.keys(manifest(name).dependencies ?? {}).filter((dep) =>
        dep.startsWith('@spillway/'),
      );
      expect(spillway).toEqual(['@spillway/core']);
    },
  );

  it('no file of core, tests included, imports @spillway/testing', () => {
    const offenders = sources(join(packages, 'core', 'src')).filter((file) =>
      /from '@spillway\/testing/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
