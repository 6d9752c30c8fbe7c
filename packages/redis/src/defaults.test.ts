import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDIS_CACHE_DEFAULTS, REDIS_STORE_DEFAULTS } from './defaults.js';

// The README's option table once said 250 ms where the code used 1000: read the table, compare each row.
// The store's table comes before the "Response cache" section, the cache's in it.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const cacheSection = readme.indexOf('## Response cache');

function documented(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const [, name, value] of text.matchAll(/^\| `(\w+)`\s*\| ([^|]+?)\s*\|/gm))
    rows.set(name as string, (value as string).replaceAll('`', ''));
  return rows;
}

describe('the README option tables', () => {
  const store = documented(readme.slice(0, cacheSection));
  const cache = documented(readme.slice(cacheSection));

  it.each(Object.entries(REDIS_STORE_DEFAULTS))('documents the store default of %s as %s', (name, value) => {
    expect(store.get(name)).toBe(String(value));
  });

  it.each(Object.entries(REDIS_CACHE_DEFAULTS))('documents the cache default of %s as %s', (name, value) => {
    expect(cache.get(name)).toBe(String(value));
  });
});
