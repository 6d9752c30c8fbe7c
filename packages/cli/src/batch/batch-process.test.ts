import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The CLI as users run it: a child process on a simulated workload, killed for real. Node loads tsx
// in-process (`--import tsx`), so the signals reach the CLI itself, not a wrapper process.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bin = join(root, 'packages', 'cli', 'src', 'bin.ts');
const COUNT = 150;

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'spillway-resume-'));
  const input = join(dir, 'input.jsonl');
  const lines = Array.from({ length: COUNT }, (_, index) =>
    JSON.stringify({
      id: `r${index}`,
      messages: [{ role: 'user', content: `request ${index}` }],
      maxTokens: 20,
    }),
  );
  writeFileSync(input, `${lines.join('\n')}\n`);
  return { input, output: join(dir, 'results.jsonl') };
}

function start(
  input: string,
  output: string,
): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@spillway/source',
      bin,
      'batch',
      input,
      '--out',
      output,
      '--simulate',
      '--concurrency',
      '4',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

function lineCount(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8').split('\n').length - 1;
}

async function whenLines(path: string, count: number, done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.then(() => (finished = true));
  while (lineCount(path) < count) {
    if (finished) throw new Error(`the batch ended before writing ${count} lines`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function results(path: string): Array<{ id: string; ok: boolean }> {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  // Every line must be whole JSON: JSON.parse throws on a torn one.
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; ok: boolean });
}

function expectEveryIdOnce(path: string): void {
  const ids = results(path).map((result) => result.id);
  expect(ids).toHaveLength(COUNT);
  expect(new Set(ids).size).toBe(COUNT);
  expect(results(path).every((result) => result.ok)).toBe(true);
}

describe('spillway batch as a process', () => {
  it('resumes after SIGKILL (and a torn last line) with every id written exactly once', {
    timeout: 120_000,
  }, async () => {
    const { input, output } = workspace();
    const first = start(input, output);
    await whenLines(output, 20, first.done);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBe(null);
    const written = results(output).map((result) => result.id);
    expect(written.length).toBeLessThan(COUNT);
    // A kill in the middle of a write leaves a partial line: simulate one for an id not yet written.
    const pending = Array.from({ length: COUNT }, (_, index) => `r${index}`).find(
      (id) => !written.includes(id),
    );
    appendFileSync(output, `{"id":"${pending}","ok":true,"te`);

    const second = start(input, output);
    const { code, stderr } = await second.done;
    expect(stderr).toMatch(/removed a torn last line/);
    expect(stderr).toMatch(new RegExp(`${written.length} already done`));
    expect(code).toBe(0);
    expectEveryIdOnce(output);
  });

  it('stops on SIGINT with a summary and a non-zero exit, then finishes on the next run', {
    timeout: 120_000,
  }, async () => {
    const { input, output } = workspace();
    const first = start(input, output);
    await whenLines(output, 20, first.done);
    first.child.kill('SIGINT');
    const interrupted = await first.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(
      /^interrupted: \d+ ok, 0 failed, .* left, run the same command again to finish$/m,
    );
    expect(results(output).length).toBeLessThan(COUNT);

    const second = await start(input, output).done;
    expect(second.code).toBe(0);
    expectEveryIdOnce(output);
  });
});
