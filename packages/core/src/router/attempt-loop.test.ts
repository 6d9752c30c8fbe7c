import { describe, expect, it } from 'vitest';
import { seededRandom } from '../clock.js';
import { AllProvidersFailedError, DeadlineExceededError } from '../errors.js';
import { say, setup } from './test-helpers.js';

const only = { id: 'only' };

describe('attempt loop', () => {
  it('re-tries the same model with full-jitter backoff only when nothing else is eligible', async () => {
    const { router, clock, adapters } = setup(
      [
        {
          name: 'a',
          models: [only],
          script: { only: [{ fail: 'server' }, { fail: 'overloaded' }, { reply: 'third' }] },
        },
      ],
      { retry: { baseDelayMs: 100, maxDelayMs: 150 } },
    );
    const expected = seededRandom(7);
    const first = expected() * 100;
    const second = expected() * 150; // 200 capped at maxDelayMs
    const pending = router.chat(say('hi'));
    await clock.runAll();
    const result = await pending;
    expect(result.text).toBe('third');
    const start = adapters[0]?.calls[0]?.at ?? 0;
    const offsets = adapters[0]?.calls.map((c) => c.at - start) ?? [];
    for (const [index, value] of [0, first, first + second].entries())
      expect(offsets[index]).toBeCloseTo(value, 2);
    const waited = result.attempts.map((a) => a.waitedMs ?? -1);
    for (const [index, value] of [0, first, second].entries()) expect(waited[index]).toBeCloseTo(value, 2);
    expect(first).toBeGreaterThan(0);
  });

  it('prefers another candidate over re-trying and never waits when one is left', async () => {
    const { router, clock } = setup([
      { name: 'a', models: [{ id: 'x', inputUsdPerMTok: 0.1 }], script: { x: [{ fail: 'server' }] } },
      { name: 'b', models: [{ id: 'y' }] },
    ]);
    const result = await router.chat(say('hi'));
    expect(result.provider).toBe('b');
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not re-try quota, auth or not_found', async () => {
    for (const failure of ['quota', 'auth', 'not_found'] as const) {
      const { router } = setup([{ name: 'a', models: [only], script: { only: [{ fail: failure }] } }]);
      const error = await router.chat(say('hi')).catch((caught: unknown) => caught);
      expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    }
  });

  it('waits at least Retry-After before re-trying a rate-limited model', async () => {
    const { router, clock, adapters } = setup([
      {
        name: 'a',
        models: [only],
        script: { only: [{ fail: 'rate_limit', status: 429, retryAfterMs: 3000 }] },
      },
    ]);
    const pending = router.chat(say('hi'));
    await clock.advance(2999);
    expect(adapters[0]?.calls).toHaveLength(1);
    await clock.advance(1);
    expect((await pending).text).toBe('ok');
    expect(adapters[0]?.calls).toHaveLength(2);
  });

  it('a Retry-After of 30 years keeps a model out for at most cooldown.maxMs (issue 14, defect 1)', async () => {
    const { router, clock } = setup(
      [
        {
          name: 'a',
          models: [only],
          script: { only: [{ fail: 'rate_limit', status: 429, retryAfterMs: 1e12 }] },
        },
      ],
      { cooldown: { maxMs: 5000 } },
    );
    const cooldowns: number[] = [];
    router.on('cooldown-start', (event) => cooldowns.push(event.until - clock.now()));
    const pending = router.chat({ ...say('hi'), timeoutMs: 10_000 });
    await clock.advance(5000);
    expect((await pending).text).toBe('ok');
    expect(cooldowns).toEqual([5000]);
    expect(router.stats().providers.a?.models.only?.cooldownUntil).toBeUndefined();
  });

  it('a negative Retry-After is no Retry-After: the 429 still cools the model (default 1 s)', async () => {
    const { router, clock } = setup([
      {
        name: 'a',
        models: [only],
        script: { only: [{ fail: 'rate_limit', status: 429, retryAfterMs: -5 }] },
      },
    ]);
    const cooldowns: number[] = [];
    router.on('cooldown-start', (event) => cooldowns.push(event.until - clock.now()));
    const pending = router.chat(say('hi'));
    await clock.runAll();
    expect((await pending).text).toBe('ok');
    expect(cooldowns).toEqual([1000]);
  });

  it('fails now with retryAfterMs when the backoff would pass the deadline', async () => {
    const { router } = setup(
      [{ name: 'a', models: [only], script: { only: [{ fail: 'rate_limit', retryAfterMs: 10_000 }] } }],
      {},
    );
    const error = await router.chat({ ...say('hi'), timeoutMs: 5000 }).catch((caught: unknown) => caught);
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect((error as AllProvidersFailedError).retryAfterMs).toBe(10_000);
  });

  it('one deadline covers every attempt: a hanging call is aborted and DeadlineExceededError carries attempts', async () => {
    const { router, clock, adapters } = setup([
      {
        name: 'a',
        models: [{ id: 'x', inputUsdPerMTok: 0.1 }],
        script: { x: [{ fail: 'server', latencyMs: 300 }] },
      },
      { name: 'b', models: [{ id: 'y' }], script: { y: [{ hang: true }] } },
    ]);
    const pending = router.chat({ ...say('hi'), timeoutMs: 1000 }).catch((caught: unknown) => caught);
    await clock.advance(999);
    expect(adapters[1]?.calls[0]?.call.signal.aborted).toBe(false);
    await clock.advance(1);
    const error = await pending;
    expect(DeadlineExceededError.isInstance(error)).toBe(true);
    expect((error as DeadlineExceededError).attempts.map((a) => [a.outcome, a.durationMs])).toEqual([
      ['server', 300],
      ['timeout', 700],
    ]);
    expect(adapters[1]?.calls[0]?.call.signal.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('attemptTimeoutMs: chat falls back from a provider that takes the call and hangs (issue 14, defect 2)', async () => {
    const { router, clock, adapters } = setup([
      { name: 'a', models: [{ id: 'x', inputUsdPerMTok: 0.1 }], script: { x: [{ hang: true }] } },
      { name: 'b', models: [{ id: 'y' }], script: { y: [{ reply: 'from b' }] } },
    ]);
    // With a request deadline the call's own signal is aborted too (without one, the wait just ends).
    const pending = router.chat({ ...say('hi'), attemptTimeoutMs: 1000, timeoutMs: 60_000 });
    await clock.advance(999);
    expect(adapters[1]?.calls).toHaveLength(0);
    await clock.advance(1);
    const result = await pending;
    expect(result.text).toBe('from b');
    expect(result.attempts.map((a) => [a.outcome, a.durationMs])).toEqual([
      ['timeout', 1000],
      ['success', 0],
    ]);
    expect(adapters[0]?.calls[0]?.call.signal.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('attemptTimeoutMs defaults to 120 s for chat, with no request deadline at all', async () => {
    const { router, clock } = setup([
      { name: 'a', models: [{ id: 'x', inputUsdPerMTok: 0.1 }], script: { x: [{ hang: true }] } },
      { name: 'b', models: [{ id: 'y' }] },
    ]);
    const pending = router.chat(say('hi'));
    await clock.advance(120_000);
    expect((await pending).provider).toBe('b');
  });

  it('router.close() ends a chat hung on its provider with an AbortError (issue 14, defect 8)', async () => {
    const { router, clock, adapters } = setup([
      { name: 'a', models: [only], script: { only: [{ hang: true }] } },
    ]);
    const pending = router.chat(say('hi')).catch((caught: unknown) => caught);
    await clock.flush();
    await router.close();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    expect(adapters[0]?.calls).toHaveLength(1);
    expect(router.stats().providers.a?.failures).toEqual({});
  });

  it('the router default timeoutMs applies when the request gives none', async () => {
    const { router, clock } = setup([{ name: 'a', models: [only], script: { only: [{ hang: true }] } }], {
      timeoutMs: 200,
    });
    const pending = router.chat(say('hi')).catch((caught: unknown) => caught);
    await clock.advance(200);
    expect(DeadlineExceededError.isInstance(await pending)).toBe(true);
  });

  it('an aborted signal rejects with its reason before anything is sent', async () => {
    const { router, adapters } = setup([{ name: 'a', models: [only] }]);
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(router.chat({ ...say('hi'), signal: controller.signal })).rejects.toBe(reason);
    expect(adapters[0]?.calls).toHaveLength(0);
  });

  it('an abort during a call rejects with the reason, aborts the call and is never retried', async () => {
    const { router, clock, adapters } = setup([
      { name: 'a', models: [only], script: { only: [{ hang: true }] } },
      { name: 'b', models: [{ id: 'other', inputUsdPerMTok: 5 }] },
    ]);
    const controller = new AbortController();
    const pending = router.chat({ ...say('hi'), signal: controller.signal });
    await clock.flush();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(adapters[0]?.calls[0]?.call.signal.aborted).toBe(true);
    expect(adapters[1]?.calls).toHaveLength(0);
  });

  it('an abort wins even when the adapter ignores its signal', async () => {
    const { router, clock, adapters } = setup([{ name: 'a', models: [only] }]);
    (adapters[0] as { doGenerate: unknown }).doGenerate = () => new Promise(() => {});
    const controller = new AbortController();
    const pending = router.chat({ ...say('hi'), signal: controller.signal });
    await clock.flush();
    controller.abort('enough');
    await expect(pending).rejects.toBe('enough');
  });

  it('an abort during backoff rejects with the reason and cancels the timer', async () => {
    const { router, clock } = setup([{ name: 'a', models: [only], script: { only: [{ fail: 'server' }] } }], {
      random: () => 0.9,
    });
    const controller = new AbortController();
    const pending = router.chat({ ...say('hi'), signal: controller.signal });
    await clock.flush();
    expect(clock.pendingTimers).toBe(1);
    controller.abort('cancel');
    await expect(pending).rejects.toBe('cancel');
    expect(clock.pendingTimers).toBe(0);
  });
});
