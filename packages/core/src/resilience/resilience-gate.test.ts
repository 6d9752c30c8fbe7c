import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError, QueueFullError } from '../errors.js';
import type { RouterEventName, RouterEvents } from '../router/events.js';
import type { Router } from '../router/router.js';
import { say, setup } from '../router/test-helpers.js';

const cheap = { id: 'cheap', capability: 3, inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.4 };
const dear = { id: 'dear', capability: 6, inputUsdPerMTok: 1, outputUsdPerMTok: 4 };

const finishEvent = {
  type: 'finish',
  finishReason: 'stop',
  usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 },
} as const;

function record(router: Router, names: RouterEventName[]) {
  const seen: Array<{ name: RouterEventName } & Record<string, unknown>> = [];
  for (const name of names)
    router.on(name, (event: RouterEvents[typeof name]) => seen.push({ name, ...(event as object) }));
  return seen;
}

/** Replays call times through a bucket of `capacity` per minute: true if it never went below zero. */
function withinBucket(times: number[], capacity: number): boolean {
  let level = capacity;
  let at = times[0] ?? 0;
  for (const time of times) {
    level = Math.min(capacity, level + ((time - at) * capacity) / 60_000);
    at = time;
    level -= 1;
    if (level < -1e-9) return false;
  }
  return true;
}

describe('resilience gate in the router (fake clock)', () => {
  it('429 → cooldown → wait → success', async () => {
    const { router, clock, adapters } = setup([
      {
        name: 'a',
        models: [cheap],
        script: { cheap: [{ fail: 'rate_limit', status: 429, retryAfterMs: 5_000 }] },
      },
    ]);
    const seen = record(router, ['cooldown-start', 'queued', 'cooldown-end']);
    const pending = router.chat(say('hi'));
    await clock.advance(4_999);
    expect(adapters[0]?.calls).toHaveLength(1);
    await clock.advance(1);
    const result = await pending;
    expect(result.attempts.map((attempt) => [attempt.outcome, attempt.waitedMs])).toEqual([
      ['rate_limit', 0],
      ['success', 5_000],
    ]);
    expect(adapters[0]?.calls.map((call) => call.at - clock.now())).toEqual([-5_000, 0]);
    expect(seen.map((event) => event.name)).toEqual(['cooldown-start', 'cooldown-end']);
    expect(seen[0]).toMatchObject({ provider: 'a', model: 'cheap', reason: 'rate_limit' });
  });

  it('a later, shorter Retry-After never shortens a cooldown', async () => {
    const { router, clock, adapters } = setup([
      {
        name: 'a',
        models: [{ ...cheap, limits: { rpm: 100 } }, dear],
        script: {
          cheap: [
            { fail: 'rate_limit', retryAfterMs: 10_000, latencyMs: 100 },
            { fail: 'rate_limit', retryAfterMs: 1_000, latencyMs: 100 },
          ],
        },
      },
    ]);
    const start = clock.now();
    const both = Promise.all([router.chat(say('one')), router.chat(say('two'))]);
    await clock.advance(100);
    expect((await both).map((result) => result.model)).toEqual(['dear', 'dear']);
    expect(router.stats().providers.a?.models.cheap?.cooldownUntil).toBe(start + 10_100);
    await clock.advance(2_000);
    expect((await router.chat(say('three'))).model).toBe('dear');
    await clock.advance(8_000);
    expect((await router.chat(say('four'))).model).toBe('cheap');
    expect(adapters[0]?.calls.map((call) => call.model)).toEqual([
      'cheap',
      'cheap',
      'dear',
      'dear',
      'dear',
      'cheap',
    ]);
  });

  it('a burst against a tight limit never exceeds it and every request succeeds', async () => {
    const { router, clock, adapters } = setup([
      {
        name: 'a',
        models: [{ ...cheap, limits: { rpm: 5 } }],
        respond: () => ({ reply: 'ok', latencyMs: 100 }),
      },
    ]);
    const results = Promise.all(Array.from({ length: 12 }, () => router.chat(say('hi'))));
    await clock.runAll();
    expect((await results).every((result) => result.text === 'ok')).toBe(true);
    const times = adapters[0]?.calls.map((call) => call.at) ?? [];
    expect(times).toHaveLength(12);
    expect(withinBucket(times, 5)).toBe(true);
    // The first five go at once; the rest one every 12 s as the bucket refills, counted from the
    // provider's first answer at 100 ms (it may not have counted the burst before).
    expect(times.slice(4, 7).map((time) => time - (times[0] ?? 0))).toEqual([0, 12_100, 24_100]);
  });

  it('steers to the next candidate before the budget runs out, then uses the reserve', async () => {
    const { router, clock } = setup([{ name: 'a', models: [{ ...cheap, limits: { rpm: 10 } }, dear] }], {
      budget: { reserveFraction: 0.2 },
    });
    const seen = record(router, ['budget-low']);
    const models: string[] = [];
    for (let i = 0; i < 10; i++) models.push((await router.chat(say('hi'))).model);
    expect(models).toEqual([...Array(8).fill('cheap'), 'dear', 'dear']);
    expect(seen).toEqual([
      {
        name: 'budget-low',
        provider: 'a',
        model: 'cheap',
        dimension: 'requests',
        available: 2,
        capacity: 10,
      },
    ]);
    // With nothing else to go to, the reserve is used rather than waiting.
    const only = setup([{ name: 'a', models: [{ ...cheap, limits: { rpm: 10 } }] }], {
      budget: { reserveFraction: 0.2 },
    });
    for (let i = 0; i < 10; i++) expect((await only.router.chat(say('hi'))).attempts[0]?.waitedMs).toBe(0);
    expect(clock.now()).toBe(only.clock.now());
  });

  it('never queues a request larger than the bucket: skipped with a reason, or a clear error', async () => {
    const big = { ...say('x'.repeat(8_000)), maxTokens: 100 };
    const { router } = setup([{ name: 'a', models: [{ ...cheap, limits: { tpm: 1_000 } }, dear] }]);
    expect((await router.chat(big)).model).toBe('dear');
    const only = setup([{ name: 'a', models: [{ ...cheap, limits: { tpm: 1_000 } }] }]);
    const error = await only.router.chat(big).catch((caught: unknown) => caught);
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /a\/cheap: needs \d+ tokens at once, more than its limit can ever hold/,
    );
  });

  it('fails with retryAfterMs when nothing frees up before the deadline', async () => {
    const { router } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ fail: 'rate_limit', retryAfterMs: 30_000 }] } },
    ]);
    const error = await router.chat({ ...say('hi'), timeoutMs: 10_000 }).catch((caught: unknown) => caught);
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect((error as AllProvidersFailedError).retryAfterMs).toBe(30_000);
  });

  it('quota keeps a model out for an hour and is skipped, not waited for', async () => {
    const { router, adapters } = setup([
      { name: 'a', models: [cheap, dear], script: { cheap: [{ fail: 'quota', status: 429 }] } },
    ]);
    expect((await router.chat(say('hi'))).model).toBe('dear');
    expect((await router.chat(say('hi'))).model).toBe('dear');
    expect(adapters[0]?.calls.map((call) => call.model)).toEqual(['cheap', 'dear', 'dear']);
  });

  it('opens the circuit after server errors, probes once after resetTimeoutMs, closes on success', async () => {
    const { router, clock, adapters } = setup(
      [
        {
          name: 'a',
          models: [cheap, dear],
          script: { cheap: [{ fail: 'server', status: 500 }, { fail: 'server' }, { fail: 'server' }] },
        },
      ],
      { breaker: { volumeThreshold: 3, resetTimeoutMs: 10_000 } },
    );
    const seen = record(router, ['circuit-open', 'circuit-half-open', 'circuit-close']);
    for (let i = 0; i < 3; i++) await router.chat(say('hi'));
    expect(seen.map((event) => event.name)).toEqual(['circuit-open']);
    expect((await router.chat(say('hi'))).attempts.map((attempt) => attempt.model)).toEqual(['dear']);
    expect(router.stats().providers.a?.models.cheap).toMatchObject({ circuit: 'open' });
    await clock.advance(10_000);
    expect((await router.chat(say('hi'))).model).toBe('cheap');
    expect(seen.map((event) => event.name)).toEqual(['circuit-open', 'circuit-half-open', 'circuit-close']);
    expect(adapters[0]?.calls.filter((call) => call.model === 'cheap')).toHaveLength(4);
  });

  it('bounds the queue with QueueFullError and cancels a wait on abort', async () => {
    const { router, clock } = setup([{ name: 'a', models: [{ ...cheap, limits: { rpm: 1 } }] }], {
      queue: { maxWaiting: 1 },
    });
    await router.chat(say('first'));
    const controller = new AbortController();
    const waiting = router
      .chat({ ...say('second'), signal: controller.signal })
      .catch((error: Error) => error);
    await clock.flush();
    const full = await router.chat(say('third')).catch((error: unknown) => error);
    expect(QueueFullError.isInstance(full)).toBe(true);
    controller.abort();
    expect(await waiting).toMatchObject({ name: 'AbortError' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('wakes waiters by priority, then arrival', async () => {
    const { router, clock } = setup([{ name: 'a', models: [{ ...cheap, limits: { rpm: 1 } }] }]);
    await router.chat(say('first'));
    const order: string[] = [];
    const requests = [
      ['low-1', 0],
      ['high', 5],
      ['low-2', 0],
    ].map(([name, priority]) =>
      router
        .chat({ ...say(name as string), priority: priority as number })
        .then(() => order.push(name as string)),
    );
    await clock.runAll();
    await Promise.all(requests);
    expect(order).toEqual(['high', 'low-1', 'low-2']);
  });

  it('learns limits from headers when none are configured, initialInFlight calls until then', async () => {
    const rateLimit = { requests: { limit: 3, remaining: 2, resetMs: 20_000 } };
    const { router, clock, adapters } = setup(
      [{ name: 'a', models: [cheap], respond: () => ({ reply: 'ok', latencyMs: 50, rateLimit }) }],
      { learning: { initialInFlight: 1 } },
    );
    const results = Promise.all(Array.from({ length: 4 }, () => router.chat(say('hi'))));
    await clock.runAll();
    await results;
    const times = adapters[0]?.calls.map((call) => call.at - (adapters[0]?.calls[0]?.at ?? 0));
    // The probe goes alone; its headers say 2 left of 3 per minute: two more go, the fourth waits 20 s.
    expect(times).toEqual([0, 50, 50, 20_050]);
  });

  it('an answer lowers the budget to its remaining count less the calls sent after it', async () => {
    const rateLimit = { requests: { limit: 10, remaining: 3 } };
    const { router, clock } = setup(
      [
        {
          name: 'a',
          models: [{ ...cheap, limits: { rpm: 10 } }],
          respond: (_call, { n }) =>
            n === 1 ? { reply: 'ok', latencyMs: 100, rateLimit } : { reply: 'ok', latencyMs: 5_000 },
        },
      ],
      { budget: { reserveFraction: 0 } },
    );
    const first = router.chat(say('one'));
    const second = router.chat(say('two'));
    await clock.advance(100);
    await first;
    // The provider counted 7 by the first answer; the second call may not be among them yet.
    expect(router.stats().providers.a?.models.cheap?.budget?.requests?.available).toBe(2);
    await clock.runAll();
    await second;
  });

  it('spends no refill until the provider first answers, then counts the refill from there', async () => {
    const { router, clock, adapters } = setup(
      [
        {
          name: 'a',
          models: [{ ...cheap, limits: { rpm: 60 } }],
          respond: (_call, { n }) =>
            n === 1
              ? {
                  stream: [{ type: 'text-delta', text: 'ok' }, finishEvent],
                  latencyMs: 2_000,
                  delayMs: 10_000,
                }
              : { reply: 'ok', latencyMs: 5_000 },
        },
      ],
      { budget: { reserveFraction: 0 } },
    );
    const first = (async () => {
      for await (const _event of router.stream(say('slow stream')));
    })();
    const rest = Promise.all(Array.from({ length: 60 }, () => router.chat(say('hi'))));
    await clock.runAll();
    await Promise.all([first, rest]);
    const times = adapters[0]?.calls.map((call) => call.at - (adapters[0]?.calls[0]?.at ?? 0)) ?? [];
    // 60 go at once. The 61st would have fitted after 1 s, but the provider may not have counted the
    // first ones before its first answer: the stream's headers at 2 s. The refill counts from there.
    expect(times.slice(58)).toEqual([0, 0, 3_000]);
  });
});
