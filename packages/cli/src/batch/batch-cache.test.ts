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

  it('opening a file that is mostly dead lines rewrites it with the live entries only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spillway-file-cache-'));
    const path = join(dir, 'cache.jsonl');
    let now = 1_000;
    const cache = fileCache(path, { ttlMs: 100, now: () => now });
    // 100 short-lived answers, 10 answers written twice (the second wins), 5 long-lived, a torn line.
    for (let index = 0; index < 100; index++) cache.set(`old${index}`, `answer ${index}`);
    for (let index = 0; index < 10; index++) {
      cache.set(`twice${index}`, 'first', 10_000);
      cache.set(`twice${index}`, 'second', 10_000);
    }
    for (let index = 0; index < 5; index++) cache.set(`keep${index}`, `kept ${index}`, 10_000);
    appendFileSync(path, '{"key":"torn","val');
    const linesBefore = readFileSync(path, 'utf8').split('\n').length;
    expect(linesBefore).toBe(126);

    now = 2_000;
    const reopened = fileCache(path, { ttlMs: 100, now: () => now });
    const entries = read(path);
    expect(entries).toHaveLength(15);
    expect(entries.map((entry) => entry.key).sort()).toEqual(
      [
        ...Array.from({ length: 10 }, (_, index) => `twice${index}`),
        ...Array.from({ length: 5 }, (_, index) => `keep${index}`),
      ].sort(),
    );
    expect(reopened.get('twice3')).toBe('second');
    expect(reopened.get('keep4')).toBe('kept 4');
    expect(reopened.get('old7')).toBeUndefined();
    // Appends after the rewrite land on lines of their own, and every entry keeps its expiry.
    reopened.set('new', 'answer new');
    const again = fileCache(path, { ttlMs: 100, now: () => now });
    expect(again.get('new')).toBe('answer new');
    expect(again.get('twice0')).toBe('second');
    expect(read(path)).toHaveLength(16);
  });

  it('a file that is mostly live is left as it is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spillway-file-cache-'));
    const path = join(dir, 'cache.jsonl');
    const cache = fileCache(path, { now: () => 1_000 });
    for (let index = 0; index < 100; index++) cache.set(`key${index}`, `answer ${index}`);
    for (let index = 0; index < 40; index++) cache.set(`key${index}`, `again ${index}`);
    const before = readFileSync(path, 'utf8');
    expect(fileCache(path, { now: () => 1_000 }).get('key5')).toBe('again 5');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
});
