import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';

function capture(env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { isTTY: false, write: (chunk: string) => (stdout += chunk) },
    stderr: { isTTY: false, write: (chunk: string) => (stderr += chunk) },
    env,
    onInterrupt: () => () => {},
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}

async function run(...argv: string[]) {
  const out = capture();
  const code = await main(argv, out.io);
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

/** The error is one line on stderr, names the problem, and shows no stack. */
function expectOneLine(stderr: string, pattern: RegExp) {
  expect(stderr).toMatch(/^spillway: [^\n]+\n$/);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

const workspace = () => mkdtempSync(join(tmpdir(), 'spillway-cli-'));
const request = (id: unknown, text = 'hi') =>
  JSON.stringify({ id, messages: [{ role: 'user', content: text }], maxTokens: 20 });

describe('spillway --version', () => {
  it('prints the package version for --version and -v', async () => {
    const manifest = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await run(flag);
      expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});

describe('bad usage and bad paths: one line, exit 1, no stack', () => {
  const dir = workspace();
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, `${request('a')}\n`);
  const notJson = join(dir, 'config.json');
  writeFileSync(notJson, '{ providers: [] }');

  it.each([
    [['frobnicate'], /unknown command "frobnicate" \(see `spillway --help`\)/],
    [['--frob'], /unknown option --frob/],
    [['demo', '--frob'], /unknown option --frob \(see `spillway demo --help`\)/],
    [['demo', '--requests', 'lots'], /--requests must be a positive whole number, got "lots"/],
    [['demo', '--time-scale=-3'], /--time-scale must be a positive number, got "-3"/],
    [
      ['demo', '--seed', '-3'],
      /--seed needs a value \(write --seed=<value> for a value that starts with "-"\)/,
    ],
    [['demo', 'extra'], /unexpected argument "extra"/],
    [['batch', input, '--out'], /--out needs a value/],
    [
      ['batch', input, '--out', join(dir, 'o.jsonl'), '--concurrency', '0', '--simulate'],
      /--concurrency must/,
    ],
    [['batch', input], /--out <results.jsonl> is required/],
    [
      ['batch', join(dir, 'missing.jsonl'), '--out', join(dir, 'o.jsonl'), '--simulate'],
      /input file not found: .*missing\.jsonl/,
    ],
    [['batch', dir, '--out', join(dir, 'o.jsonl'), '--simulate'], /input file .* is a directory, not a file/],
    [
      ['batch', input, '--out', dir, '--simulate'],
      /--out .* is a directory; give a file path, e\.g\. .*results\.jsonl/,
    ],
    [
      ['batch', input, '--out', join(dir, 'no', 'such', 'o.jsonl'), '--simulate'],
      /cannot create --out .*: directory .* does not exist/,
    ],
    [
      ['batch', input, '--out', join(dir, 'o.jsonl'), '--config', dir],
      /config error: cannot read config file .*: is a directory/,
    ],
    [
      ['batch', input, '--out', join(dir, 'o.jsonl'), '--config', join(dir, 'none.json')],
      /config error: cannot read config file .*: no such file or directory/,
    ],
    [
      ['batch', input, '--out', join(dir, 'o.jsonl'), '--config', notJson],
      /config error: config file .* is not valid JSON/,
    ],
  ])('%j', async (argv, pattern) => {
    const { code, stdout, stderr } = await run(...argv);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expectOneLine(stderr, pattern);
  });

  it.skipIf(process.getuid?.() === 0)('an output file it may not write', async () => {
    const locked = join(workspace(), 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const { code, stderr } = await run('batch', input, '--out', join(locked, 'o.jsonl'), '--simulate');
    expect(code).toBe(1);
    expectOneLine(stderr, /cannot create --out .*: permission denied/);
  });
});

describe('spillway batch exit status', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('exits 0 when every line has a result, at the default concurrency without a leak warning, costs without float noise', async () => {
    const dir = workspace();
    const input = join(dir, 'in.jsonl');
    // More lines than Node's default listener limit (10), all in flight at once on one abort signal.
    writeFileSync(input, `${Array.from({ length: 40 }, (_, index) => request(`r${index}`)).join('\n')}\n`);
    const output = join(dir, 'out.jsonl');
    const { code, stderr } = await run('batch', input, '--out', output, '--simulate', '--time-scale', '1000');
    expect(stderr).toMatch(/^done: 40 ok, 0 failed, .* cost \$\d\.\d+, in /m);
    expect(code).toBe(0);
    const costs = readFileSync(output, 'utf8')
      .trimEnd()
      .split('\n')
      .map((text) => (JSON.parse(text) as { costUsd: number }).costUsd);
    expect(costs).toHaveLength(40);
    // 12 significant digits at most: 0.000028199999999999998 would be noise.
    for (const cost of costs) expect(String(cost).replace(/^0\.0*/, '').length).toBeLessThanOrEqual(12);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('exits 2 when some lines got no result, after writing every other line', async () => {
    const dir = workspace();
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, [request('a'), '{not json', request('a'), request('b')].join('\n'));
    const output = join(dir, 'out.jsonl');
    const { code, stderr } = await run('batch', input, '--out', output, '--simulate', '--time-scale', '1000');
    expect(code).toBe(2);
    expect(stderr).toMatch(/line 2: not valid JSON/);
    expect(stderr).toMatch(/line 3: id "a" appears earlier in the input/);
    expect(stderr).toMatch(
      /^spillway: 2 input line\(s\) got no result \(reported above\); fix them and run again$/m,
    );
    const ids = readFileSync(output, 'utf8')
      .trimEnd()
      .split('\n')
      .map((text) => (JSON.parse(text) as { id: string }).id);
    expect(ids.sort()).toEqual(['a', 'b']);
  });
});
