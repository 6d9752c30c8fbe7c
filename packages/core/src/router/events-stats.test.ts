import { describe, expect, it } from 'vitest';
import type { RouterEventName, RouterEvents } from './events.js';
import { say, setup } from './test-helpers.js';

const cheap = { id: 'cheap', inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.1 };
const dear = { id: 'dear', inputUsdPerMTok: 1, outputUsdPerMTok: 2 };

function record(router: ReturnType<typeof setup>['router'], names: RouterEventName[]) {
  const seen: Array<[string, unknown]> = [];
  for (const name of names) router.on(name, (event: RouterEvents[typeof name]) => seen.push([name, event]));
  return seen;
}

describe('events', () => {
  it('emits request-start, attempt-start, attempt-failed, rate-limited, fallback and request-finish in order', async () => {
    const { router } = setup([
      {
        name: 'a',
        models: [cheap],
        script: { cheap: [{ fail: 'rate_limit', status: 429, retryAfterMs: 500 }] },
      },
      {
        name: 'b',
        models: [dear],
        script: { dear: [{ reply: 'hi', usage: { inputTokens: 10, outputTokens: 5 } }] },
      },
    ]);
    const seen = record(router, [
      'request-start',
      'attempt-start',
      'attempt-failed',
      'rate-limited',
      'fallback',
      'request-finish',
    ]);
    await router.chat(say('hello'));
    expect(seen.map(([name]) => name)).toEqual([
      'request-start',
      'attempt-start',
      'attempt-failed',
      'rate-limited',
      'fallback',
      'attempt-start',
      'request-finish',
    ]);
    const start = seen[0]?.[1] as RouterEvents['request-start'];
    const { requestId } = start;
    // The lists are getters (built when read): a copy has them only when read into it.
    expect({ ...start, candidates: start.candidates, exclusions: start.exclusions }).toEqual({
      requestId,
      candidateCount: 2,
      candidates: [
        { provider: 'a', model: 'cheap' },
        { provider: 'b', model: 'dear' },
      ],
      exclusions: [],
      stream: false,
      request: say('hello'),
    });
    expect(seen[3]?.[1]).toEqual({
      requestId,
      provider: 'a',
      model: 'cheap',
      failure: 'rate_limit',
      retryAfterMs: 500,
    });
    expect(seen[4]?.[1]).toEqual({
      requestId,
      from: { provider: 'a', model: 'cheap' },
      to: { provider: 'b', model: 'dear' },
      failure: 'rate_limit',
    });
    expect(seen[6]?.[1]).toMatchObject({
      requestId,
      ok: true,
      provider: 'b',
      model: 'dear',
      costUsd: (10 + 10) / 1e6,
    });
  });

  it('request-start lists its candidates only when read, and in JSON', async () => {
    const { router } = setup([
      { name: 'a', models: [cheap] },
      { name: 'b', models: [dear] },
    ]);
    const seen = record(router, ['request-start']);
    await router.chat(say('hello'));
    const start = seen[0]?.[1] as RouterEvents['request-start'];
    expect(start.candidateCount).toBe(2);
    const listed = [
      { provider: 'a', model: 'cheap' },
      { provider: 'b', model: 'dear' },
    ];
    expect(start.candidates).toEqual(listed);
    expect(start.candidates).toBe(start.candidates);
    expect(JSON.parse(JSON.stringify(start))).toMatchObject({
      candidateCount: 2,
      candidates: listed,
      exclusions: [],
    });
  });

  it("request-start and request-finish carry the request's tenant", async () => {
    const { router } = setup([{ name: 'a', models: [cheap] }]);
    const seen = record(router, ['request-start', 'request-finish']);
    await router.chat({ ...say('hello'), tenant: 'acme' });
    expect(seen.map(([, event]) => (event as { tenant?: string }).tenant)).toEqual(['acme', 'acme']);
  });

  it('attempt-finish ends every attempt, success included; request-finish carries the result', async () => {
    const { router } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ fail: 'server', status: 500 }] } },
      {
        name: 'b',
        models: [dear],
        script: { dear: [{ reply: 'hi', usage: { inputTokens: 10, outputTokens: 5 } }] },
      },
    ]);
    const seen = record(router, ['attempt-finish', 'request-finish']);
    const result = await router.chat(say('hello'));
    expect(seen.map(([name]) => name)).toEqual(['attempt-finish', 'attempt-finish', 'request-finish']);
    expect(seen[0]?.[1]).toMatchObject({ provider: 'a', model: 'cheap', attempt: { outcome: 'server' } });
    expect(seen[1]?.[1]).toMatchObject({
      provider: 'b',
      model: 'dear',
      attempt: { outcome: 'success' },
      usage: { inputTokens: 10, outputTokens: 5 },
    });
    expect(seen[2]?.[1]).toMatchObject({ ok: true, stream: false, result });
  });

  it("first-token tells when a stream's first content reached the caller", async () => {
    const { router, clock } = setup([
      {
        name: 'a',
        models: [cheap],
        script: {
          cheap: [
            {
              stream: [
                { type: 'text-delta', text: 'Hel' },
                { type: 'text-delta', text: 'lo' },
                { type: 'finish', finishReason: 'stop' },
              ],
              latencyMs: 120,
              delayMs: 10,
            },
          ],
        },
      },
    ]);
    const seen = record(router, ['first-token', 'request-finish']);
    const stream = router.stream(say('hello'));
    const done = (async () => {
      for await (const _ of stream);
    })();
    await clock.runAll();
    await done;
    expect(seen.map(([name]) => name)).toEqual(['first-token', 'request-finish']);
    // 120 ms until the stream opens, then 10 ms until its first chunk.
    expect(seen[0]?.[1]).toMatchObject({ provider: 'a', model: 'cheap', ttftMs: 130 });
    expect(seen[1]?.[1]).toMatchObject({ ok: true, stream: true, result: { text: 'Hello' } });
  });

  it('request-finish reports the error code when a request fails', async () => {
    const { router } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ fail: 'invalid_request' }] } },
    ]);
    const seen = record(router, ['request-finish']);
    await router.chat(say('hello')).catch(() => {});
    expect(seen[0]?.[1]).toMatchObject({ ok: false, errorCode: 'invalid_request' });
  });

  it('a throwing listener never breaks a request and is reported through the logger', async () => {
    const { router, logger } = setup([{ name: 'a', models: [cheap] }]);
    router.on('attempt-start', () => {
      throw new Error('listener bug');
    });
    const after: string[] = [];
    router.on('attempt-start', () => after.push('second listener ran'));
    expect((await router.chat(say('hello'))).text).toBe('ok');
    expect(after).toEqual(['second listener ran']);
    expect(logger.lines.join('\n')).toContain("a 'attempt-start' listener threw; the request goes on");
  });

  it('on() returns a disposer', async () => {
    const { router } = setup([{ name: 'a', models: [cheap] }]);
    const seen: unknown[] = [];
    const off = router.on('request-finish', (event) => seen.push(event));
    await router.chat(say('one'));
    off();
    await router.chat(say('two'));
    expect(seen).toHaveLength(1);
  });
});

describe('stats', () => {
  it('counts requests, successes, failures by class, rate limits, tokens, cost and latency per model and provider', async () => {
    const { router, clock } = setup([
      {
        name: 'a',
        models: [cheap, dear],
        script: {
          cheap: [{ fail: 'rate_limit', latencyMs: 10 }, { fail: 'server' }],
          dear: [
            { reply: 'x', usage: { inputTokens: 100, outputTokens: 50 }, latencyMs: 100 },
            { reply: 'y', usage: { inputTokens: 100, outputTokens: 50 }, latencyMs: 300 },
          ],
        },
      },
    ]);
    for (let i = 0; i < 2; i++) {
      const pending = router.chat(say('hello'));
      await clock.runAll();
      await pending;
      await clock.advance(1_000); // past the 429's cooldown, so the second request tries cheap again
    }
    const stats = router.stats().providers.a;
    expect(stats?.models.cheap).toMatchObject({
      requests: 2,
      successes: 0,
      failures: { rate_limit: 1, server: 1 },
      rateLimited: 1,
      available: true,
    });
    expect(stats?.models.dear).toMatchObject({
      requests: 2,
      successes: 2,
      inputTokens: 200,
      outputTokens: 100,
      latency: { p50Ms: 100, avgMs: 200, ewmaMs: 160 },
    });
    expect(stats?.models.dear?.costUsd).toBeCloseTo((200 * 1 + 100 * 2) / 1e6, 12);
    expect(stats).toMatchObject({
      requests: 4,
      successes: 2,
      rateLimited: 1,
      failures: { rate_limit: 1, server: 1 },
    });
    expect(stats?.latency.avgMs).toBe(200);
    expect(JSON.stringify(router.stats())).not.toMatch(/sk-/);
  });
});
