import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io.js';
import { fileCache } from '../file-cache.js';
import { batchCommand } from './batch-command.js';

function capture(): { io: CliIO; text: () => string } {
  let text = '';
  const output = { isTTY: false, write: (chunk: string) => (text += chunk) };
  return { io: { stdout: output, stderr: output, env: {}, onInterrupt: () => () => {} }, text: () => text };
}

const read = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((text) => JSON.parse(text) as Record<string, unknown>);

describe('spillway batch --cache', () => {
  it('a second run of the same file is answered from the cache file at $0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spillway-batch-cache-'));
    const input = join(dir, 'in.jsonl');
    const lines = Array.from({ length: 6 }, (_, index) =>
      JSON.stringify({
        id: index,
        messages: [{ role: 'user', content: `question ${index % 4}` }],
        maxTokens: 200,
      }),
    );
    writeFileSync(input, `${lines.join('\n')}\n`);
    const cache = join(dir, 'cache.jsonl');
    const run = async (out: string) => {
      const { io, text } = capture();
      const argv = [
        input,
        '--out',
        out,
        '--simulate',
        '--cache',
        cache,
        '--time-scale',
        '1000',
        '--concurrency',
        '1',
      ];
      expect(await batchCommand(argv, io)).toBe(0);
      return text();
    };
    const first = await run(join(dir, 'first.jsonl'));
    // Lines 4 and 5 repeat questions 0 and 1.
    expect(first).toMatch(/2 answered from the cache, saving \$0\.\d+/);
    const firstLines = read(join(dir, 'first.jsonl'));
    expect(firstLines.filter((line) => line.cache === 'hit')).toHaveLength(2);

    const second = await run(join(dir, 'second.jsonl'));
    expect(second).toMatch(/6 answered from the cache/);
    expect(second).toMatch(/cost \$0[,. ]/);
    const secondLines = read(join(dir, 'second.jsonl'));
    expect(secondLines.every((line) => line.cache === 'hit' && line.costUsd === 0)).toBe(true);
    expect(secondLines.map((line) => line.text)).toEqual(firstLines.map((line) => line.text));
  }, 60_000);

  it('the cache file survives a torn last line and expires old entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spillway-file-cache-'));
    const path = join(dir, 'cache.jsonl');
    let now = 1_000;
    const cache = fileCache(path, { ttlMs: 100, now: () => now });
    cache.set('a', 'answer a');
    cache.set('b', 'answer b', 1_000);
    appendFileSync(path, '{"key":"c","val');
    now = 1_200;
    const reopened = fileCache(path, { ttlMs: 100, now: () => now });
    expect(reopened.get('a')).toBeUndefined();
    expect(reopened.get('b')).toBe('answer b');
    expect(reopened.get('c')).toBeUndefined();
    reopened.set('d', 'answer d');
    expect(fileCache(path, { now: () => now }).get('d')).toBe('answer d');
  });
});
