import { describe, expect, it } from 'vitest';
import { memoryCache } from '../cache/memory-cache.js';
import { AllProvidersFailedError } from '../errors.js';
import type { ChatRequest } from '../types.js';
import type { RouterEvents } from './events.js';
import type { RouterOptions } from './options.js';
import { say, setup } from './test-helpers.js';

// `x` (provider a) ranks first: it is the cheaper. `y` (provider b) is the next candidate.
const X = { id: 'x', inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.1 };
const Y = { id: 'y' };

function hedged(
  xLatencyMs: number,
  yLatencyMs: number,
  options: Partial<RouterOptions> = { hedge: { afterMs: 200 } },
) {
  const made = setup(
    [
      { name: 'a', models: [X], script: { x: [{ reply: 'from x', latencyMs: xLatencyMs }] } },
      { name: 'b', models: [Y], script: { y: [{ reply: 'from y', latencyMs: yLatencyMs }] } },
    ],
    options,
  );
  const [a, b] = made.adapters as [(typeof made.adapters)[0], (typeof made.adapters)[0]];
  return { ...made, a, b };
}

const outcomes = (attempts: readonly { provider: string; outcome: string; hedge?: boolean }[]) =>
  attempts.map((item) => `${item.provider}:${item.outcome}${item.hedge ? ':hedge' : ''}`);

describe('hedged requests (DESIGN §12)', () => {
  it('starts a hedge on the next candidate at afterMs; the first answer wins and the other is aborted', async () => {
    const { router, clock, a, b } = hedged(1_000, 100);
    const hedges: RouterEvents['hedge-start'][] = [];
    router.on('hedge-start', (event) => hedges.push(event));
    const pending = router.chat(say('hi'));
    await clock.advance(199);
    expect(b.calls).toHaveLength(0);
    await clock.advance(1);
    expect(b.calls).toHaveLength(1);
    expect(hedges).toEqual([
      {
        requestId: expect.any(String),
        from: { provider: 'a', model: 'x' },
        to: { provider: 'b', model: 'y' },
        afterMs: 200,
      },
    ]);
    await clock.advance(100);
    const result = await pending;
    expect(result.text).toBe('from y');
    expect(outcomes(result.attempts)).toEqual(['b:success:hedge', 'a:cancelled']);
    // The loser's call was aborted through its own signal (which closes an SDK's connection).
    expect(a.calls[0]?.call.signal?.aborted).toBe(true);
    expect(b.calls[0]?.call.signal?.aborted).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    const stats = router.stats();
    expect(stats.providers.b?.models.y).toMatchObject({ hedges: 1, successes: 1 });
    // Aborted by us: neither a success nor a failure, and the breaker never hears of it.
    expect(stats.providers.a?.models.x).toMatchObject({ cancelled: 1, successes: 0, failures: {} });
    expect(stats.providers.a?.models.x?.circuit).toBe('closed');
    expect(stats.providers.a?.cancelled).toBe(1);
  });

  it('does not hedge an attempt that answers within afterMs, and leaves no timer behind', async () => {
    const { router, clock, b } = hedged(150, 100);
    const pending = router.chat(say('hi'));
    await clock.advance(150);
    expect((await pending).text).toBe('from x');
    expect(b.calls).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('the slow first attempt still wins when it answers before the hedge', async () => {
    const { router, clock, a, b } = hedged(300, 1_000);
    const pending = router.chat(say('hi'));
    await clock.advance(300);
    const result = await pending;
    expect(result.text).toBe('from x');
    expect(outcomes(result.attempts)).toEqual(['a:success', 'b:cancelled:hedge']);
    expect(b.calls[0]?.call.signal?.aborted).toBe(true);
    expect(a.calls[0]?.call.signal?.aborted).toBe(false);
    expect(router.stats().providers.b?.models.y).toMatchObject({ hedges: 1, cancelled: 1, failures: {} });
  });

  it('a loser that fails as it is aborted opens no breaker and cools nothing down', async () => {
    // Provider a turns the abort into a connection failure, as an SDK may.
    const { router, clock, a } = hedged(1_000, 100, {
      hedge: { afterMs: 200 },
      breaker: { volumeThreshold: 1, errorThresholdPercentage: 1 },
    });
    a.push('x', { fail: 'connection', latencyMs: 1 });
    const first = router.chat(say('hi'));
    await clock.advance(300);
    expect((await first).provider).toBe('b');
    const stats = router.stats().providers.a?.models.x;
    expect(stats).toMatchObject({ failures: {}, circuit: 'closed' });
    expect(stats?.cooldownUntil ?? 0).toBeLessThanOrEqual(clock.now());
  });

  it('does not hedge when the next candidate cannot go now (limit), and does not wait for it', async () => {
    const { router, clock, b } = hedged(1_000, 100, { hedge: { afterMs: 200 } });
    // y's only request this minute goes to a pinned request first.
    const limited = setup(
      [
        { name: 'a', models: [X], script: { x: [{ reply: 'from x', latencyMs: 1_000 }] } },
        { name: 'b', models: [Y], limits: { rpm: 1 } },
      ],
      { hedge: { afterMs: 200 } },
    );
    await limited.router.chat({ ...say('first'), model: 'y', hedge: false });
    const pending = limited.router.chat(say('hi'));
    await limited.clock.advance(1_000);
    const result = await pending;
    expect(result.text).toBe('from x');
    expect(result.attempts).toHaveLength(1);
    expect(limited.adapters[1]?.calls).toHaveLength(1);
    expect(limited.router.stats().providers.b?.models.y?.hedges).toBe(0);
    // (The unlimited pair above hedges as usual.)
    const control = router.chat(say('hi'));
    await clock.advance(300);
    expect((await control).provider).toBe('b');
    expect(b.calls).toHaveLength(1);
  });

  it('does not hedge past a spend budget', async () => {
    const { router, clock, b } = hedged(1_000, 100, {
      hedge: { afterMs: 200 },
      budgets: [{ name: 'y-budget', limitUsd: 1e-9, window: 'day', scope: 'model', match: 'y' }],
    });
    const pending = router.chat(say('hi'));
    await clock.advance(1_000);
    const result = await pending;
    expect(result.text).toBe('from x');
    expect(b.calls).toHaveLength(0);
    expect(router.stats().budgets?.['y-budget']).toMatchObject({ spentUsd: 0 });
  });

  it('lists every attempt, hedges included, when all of them fail', async () => {
    const made = setup(
      [
        { name: 'a', models: [X], script: { x: [{ fail: 'server', latencyMs: 1_000 }] } },
        { name: 'b', models: [Y], script: { y: [{ fail: 'overloaded', status: 529, latencyMs: 100 }] } },
      ],
      { hedge: { afterMs: 200 }, maxAttempts: 2 },
    );
    const pending = made.router.chat(say('hi')).catch((error: unknown) => error);
    await made.clock.advance(1_000);
    const error = (await pending) as AllProvidersFailedError;
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect(outcomes(error.attempts)).toEqual(['b:overloaded:hedge', 'a:server']);
    expect(error.message).toContain('b/y: overloaded');
  });

  it('per request: its own afterMs, or no hedge with `hedge: false`', async () => {
    const { router, clock, b } = hedged(1_000, 100);
    const off = router.chat({ ...say('hi'), hedge: false });
    await clock.advance(1_000);
    expect((await off).provider).toBe('a');
    expect(b.calls).toHaveLength(0);

    const early = setup(
      [
        { name: 'a', models: [X], script: { x: [{ reply: 'from x', latencyMs: 1_000 }] } },
        { name: 'b', models: [Y], script: { y: [{ reply: 'from y', latencyMs: 100 }] } },
      ],
      {},
    );
    const request: ChatRequest = { ...say('hi'), hedge: { afterMs: 50 } };
    const pending = early.router.chat(request);
    await early.clock.advance(49);
    expect(early.adapters[1]?.calls).toHaveLength(0);
    await early.clock.advance(1);
    expect(early.adapters[1]?.calls).toHaveLength(1);
    await early.clock.advance(100);
    expect((await pending).provider).toBe('b');
  });

  it('rejects a bad hedge option with a typed error naming the field', async () => {
    expect(() => setup([{ name: 'a', models: [X] }], { hedge: { afterMs: -1 } })).toThrow(/hedge\.afterMs/);
    const { router } = setup([{ name: 'a', models: [X] }]);
    await expect(router.chat({ ...say('hi'), hedge: { afterMs: 'soon' } as never })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('hedge.afterMs'),
    });
  });

  it('streams hedge only before their first content; the winner is the first to produce it', async () => {
    const stream = (text: string, delayMs: number) => ({
      stream: [
        { type: 'text-delta' as const, text },
        { type: 'finish' as const, finishReason: 'stop' as const },
      ],
      delayMs,
    });
    const made = setup(
      [
        { name: 'a', models: [X], script: { x: [stream('slow', 1_000), stream('steady', 150)] } },
        { name: 'b', models: [Y], script: { y: [stream('fast', 50)] } },
      ],
      { hedge: { afterMs: 200 } },
    );
    const hedgedStream = made.router.stream(say('hi'));
    const read = (async () => {
      const events: string[] = [];
      for await (const event of hedgedStream)
        events.push(event.type === 'text-delta' ? event.text : event.type);
      return events;
    })();
    await made.clock.advance(400);
    expect(await read).toEqual(['start', 'fast', 'finish']);
    const result = await hedgedStream.result;
    expect(outcomes(result.attempts)).toEqual(['a:cancelled', 'b:success:hedge']);
    expect(made.adapters[0]?.calls[0]?.call.signal?.aborted).toBe(true);

    // Content at 150 ms, then a slow finish: no hedge once the first token is in.
    const steady = made.router.stream(say('again'));
    const texts: string[] = [];
    const done = (async () => {
      for await (const event of steady) if (event.type === 'text-delta') texts.push(event.text);
    })();
    await made.clock.advance(1_000);
    await done;
    expect(texts).toEqual(['steady']);
    expect(made.adapters[1]?.calls).toHaveLength(1);
  });

  it("a stream's continuation after a break (onInterrupt 'continue') runs its own race", async () => {
    const made = setup(
      [
        {
          name: 'a',
          models: [X],
          script: { x: [{ stream: [{ type: 'text-delta', text: 'Hello' }], breakWith: 'stream_cut' }] },
        },
        {
          name: 'b',
          models: [Y],
          script: {
            y: [
              {
                stream: [
                  { type: 'text-delta', text: ' world' },
                  { type: 'finish', finishReason: 'stop' },
                ],
              },
            ],
          },
        },
      ],
      { hedge: { afterMs: 200 } },
    );
    const stream = made.router.stream({ ...say('hi'), onInterrupt: 'continue' });
    const texts: string[] = [];
    const done = (async () => {
      for await (const event of stream) if (event.type === 'text-delta') texts.push(event.text);
    })();
    await made.clock.advance(10);
    await done;
    expect(texts).toEqual(['Hello', ' world']);
    expect(outcomes((await stream.result).attempts)).toEqual(['a:stream_cut', 'b:success']);
  });

  it('with a response cache, identical requests in flight still share one routed request', async () => {
    const { router, clock, a, b } = hedged(1_000, 100, { hedge: { afterMs: 200 }, cache: memoryCache() });
    const first = router.chat(say('same'));
    const second = router.chat(say('same'));
    await clock.advance(300);
    const [one, two] = await Promise.all([first, second]);
    expect(one.text).toBe('from y');
    expect(two.text).toBe('from y');
    // One request, hedged once: one call to each model, not two.
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(1);
  });

  it('a caller abort during a hedged race ends both attempts without booking a loser', async () => {
    const { router, clock, a, b } = hedged(1_000, 1_000);
    const controller = new AbortController();
    const pending = router.chat({ ...say('hi'), signal: controller.signal }).catch((error: unknown) => error);
    await clock.advance(250);
    expect(b.calls).toHaveLength(1);
    controller.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    expect(a.calls[0]?.call.signal?.aborted).toBe(true);
    expect(b.calls[0]?.call.signal?.aborted).toBe(true);
    const stats = router.stats().providers;
    expect(stats.a?.models.x).toMatchObject({ cancelled: 0, failures: {} });
    expect(stats.b?.models.y).toMatchObject({ cancelled: 0, failures: {} });
    expect(clock.pendingTimers).toBe(0);
  });
});
