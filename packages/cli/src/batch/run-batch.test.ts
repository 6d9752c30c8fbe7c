import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatRequest, type ChatResult, createRouter, InvalidRequestError } from '@spillway/core';
import { scriptedAdapter } from '@spillway/core/testing';
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

  it('stops sending once --budget-usd is spent and writes the rest as budget_exceeded, which the next run retries', async () => {
    const { input, output } = files(Array.from({ length: 10 }, (_, index) => line(index)));
    // Output tokens cost $0.001 each: a call reserves $0.010 (maxTokens 10) and really costs $0.003.
    const model = { id: 'm', inputUsdPerMTok: 0, outputUsdPerMTok: 1_000, limits: { rpm: 1_000 } };
    const routerFor = (limitUsd: number) => {
      const adapter = scriptedAdapter({
        name: 'p',
        models: [model],
        respond: () => ({ reply: 'ok', usage: { inputTokens: 5, outputTokens: 3 } }),
      });
      const router = createRouter({
        providers: [adapter],
        budgets: [{ name: 'batch', limitUsd, window: 366 * 24 * 3_600_000 }],
      });
      return { adapter, router };
    };
    const first = routerFor(0.02);
    const summary = await runBatch({
      input,
      output,
      router: first.router,
      concurrency: 1,
      budgetUsd: 0.02,
      defaults: { maxTokens: 10 },
    });
    // Four calls fit ($0.012 spent); the fifth needs $0.010 of the $0.008 left: refused unsent, and
    // nothing after it is sent.
    expect(first.adapter.calls).toHaveLength(4);
    expect(summary).toMatchObject({ succeeded: 4, budgetExceeded: 6, failed: 0 });
    expect(summary.costUsd).toBeCloseTo(0.012, 9);
    const written = read(output);
    expect(written).toHaveLength(10);
    expect(written.filter((record) => record.ok === false)).toEqual(
      [4, 5, 6, 7, 8, 9].map((id) => ({
        id,
        ok: false,
        error: { code: 'budget_exceeded', message: expect.any(String) },
      })),
    );
    // The next run (with a bigger budget) does exactly those six; each id is written once.
    const second = routerFor(1);
    const again = await runBatch({
      input,
      output,
      router: second.router,
      concurrency: 3,
      budgetUsd: 1,
      defaults: { maxTokens: 10 },
    });
    expect(again).toMatchObject({ retried: 6, skipped: 4, succeeded: 6, budgetExceeded: 0 });
    expect(second.adapter.calls).toHaveLength(6);
    const final = read(output);
    expect(final.map((record) => record.id).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(final.every((record) => record.ok === true)).toBe(true);
    await Promise.all([first.router.close(), second.router.close()]);
  });
});
