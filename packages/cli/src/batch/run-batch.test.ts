import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatRequest, type ChatResult, InvalidRequestError } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { type BatchRouter, runBatch } from './run-batch.js';

function files(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'spillway-batch-'));
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, `${lines.join('\n')}\n`);
  return { input, output: join(dir, 'out.jsonl') };
}

const line = (id: unknown, text = 'hi') =>
  JSON.stringify({ id, messages: [{ role: 'user', content: text }] });

function reply(request: ChatRequest): ChatResult {
  const content = request.messages[0]?.content;
  if (content === 'bad')
    throw new InvalidRequestError('temperature must be between 0 and 2', { field: 'temperature' });
  return {
    text: `echo ${String(content)}`,
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
    costUsd: 0.001,
    provider: 'p',
    model: 'm',
    attempts: [],
  };
}

const echo: BatchRouter = { chat: async (request) => reply(request) };
const read = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((text) => JSON.parse(text) as Record<string, unknown>);

describe('runBatch', () => {
  it('writes one result line per id, errors included, and reports unreadable lines', async () => {
    const { input, output } = files([
      line('a'),
      '{not json',
      line(2, 'bad'),
      '{"id":"c"}',
      line('a'),
      '',
      line('d'),
    ]);
    const reports: string[] = [];
    const summary = await runBatch({
      input,
      output,
      router: echo,
      concurrency: 2,
      report: (m) => reports.push(m),
    });
    const results = read(output);
    expect(results.map((r) => r.id).sort()).toEqual([2, 'a', 'c', 'd']);
    expect(results.find((r) => r.id === 'a')).toEqual({
      id: 'a',
      ok: true,
      text: 'echo hi',
      finishReason: 'stop',
      provider: 'p',
      model: 'm',
      usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
      costUsd: 0.001,
    });
    expect(results.find((r) => r.id === 2)).toEqual({
      id: 2,
      ok: false,
      error: { code: 'invalid_request', message: 'temperature must be between 0 and 2' },
    });
    expect(results.find((r) => r.id === 'c')).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(reports).toEqual([
      expect.stringMatching(/^line 2: not valid JSON/),
      'line 4: "messages" must be a non-empty array',
      'line 5: id "a" appears earlier in the input; this line is skipped',
    ]);
    expect(summary).toMatchObject({
      total: 4,
      done: 4,
      succeeded: 2,
      failed: 2,
      unreadable: 2,
      interrupted: false,
    });
  });

  it('skips ids an earlier run wrote and trims a torn last line', async () => {
    const { input, output } = files([line('a'), line('b'), line('c')]);
    writeFileSync(output, '{"id":"a","ok":true,"text":"old"}\n{"id":"b","ok":tr');
    const seen: string[] = [];
    const router: BatchRouter = {
      chat: async (request) => {
        seen.push(String(request.messages[0]?.content));
        return reply(request);
      },
    };
    const summary = await runBatch({ input, output, router, concurrency: 4 });
    expect(seen).toHaveLength(2);
    expect(read(output).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(read(output)[0]).toMatchObject({ text: 'old' });
    expect(summary).toMatchObject({ total: 2, skipped: 1, done: 2 });
    expect(summary.trimmedBytes).toBeGreaterThan(0);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const { input, output } = files(Array.from({ length: 20 }, (_, index) => line(index)));
    let inFlight = 0;
    let peak = 0;
    const router: BatchRouter = {
      chat: async (request) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return reply(request);
      },
    };
    await runBatch({ input, output, router, concurrency: 3 });
    expect(peak).toBe(3);
    expect(read(output)).toHaveLength(20);
  });

  it('stops taking lines on stop, and leaves aborted requests unwritten for the next run', async () => {
    const { input, output } = files(Array.from({ length: 10 }, (_, index) => line(index)));
    const stop = new AbortController();
    const abort = new AbortController();
    let calls = 0;
    const router: BatchRouter = {
      chat: (request) => {
        calls++;
        if (calls < 3) return Promise.resolve(reply(request));
        // The third request is in flight when the user interrupts twice: it is aborted.
        const pending = new Promise<ChatResult>((_, reject) =>
          request.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        );
        stop.abort();
        abort.abort();
        return pending;
      },
    };
    const summary = await runBatch({
      input,
      output,
      router,
      concurrency: 1,
      stop: stop.signal,
      abort: abort.signal,
    });
    expect(summary.interrupted).toBe(true);
    expect(calls).toBe(3);
    expect(read(output).map((r) => r.id)).toEqual([0, 1]);
  });
});
