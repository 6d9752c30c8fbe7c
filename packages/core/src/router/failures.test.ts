import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError, InvalidRequestError } from '../errors.js';
import type { FailureClass } from '../failure.js';
import type { ScriptStep } from '../testing/index.js';
import { say, setup } from './test-helpers.js';

// Three providers, cheapest first: a/one, then b/two, then c/three.
const one = { id: 'one', inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.1 };
const two = { id: 'two', inputUsdPerMTok: 1, outputUsdPerMTok: 1 };
const three = { id: 'three', inputUsdPerMTok: 2, outputUsdPerMTok: 2 };

function threeProviders(first: ScriptStep[], options = {}) {
  return setup(
    [
      { name: 'a', models: [one], script: { one: first } },
      { name: 'b', models: [two], script: { two: [{ reply: 'from b' }] } },
      { name: 'c', models: [three], script: { three: [{ reply: 'from c' }] } },
    ],
    options,
  );
}

describe('failure classes', () => {
  it.each<FailureClass>([
    'rate_limit',
    'quota',
    'overloaded',
    'server',
    'timeout',
    'connection',
    'too_large',
    'not_found',
    'auth',
  ])('%s falls back to the next candidate at once', async (failure) => {
    const { router, clock } = threeProviders([{ fail: failure, status: 500 }]);
    const result = await router.chat(say('hi'));
    expect(result.text).toBe('from b');
    expect(result.attempts.map((a) => a.outcome)).toEqual([failure, 'success']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a non-ProviderError thrown by an adapter is adapter_error: falls back, never counts against the provider', async () => {
    const { router, adapters, logger } = threeProviders([], {
      breaker: { volumeThreshold: 1, errorThresholdPercentage: 1 },
    });
    (adapters[0] as { doGenerate: unknown }).doGenerate = async () => {
      throw new TypeError('adapter bug');
    };
    for (let i = 0; i < 3; i++) {
      const result = await router.chat(say('hi'));
      expect(result.provider).toBe('b');
      // Still tried first every time: no breaker opened, no cooldown, the model not dropped.
      expect(result.attempts.map((a) => [a.provider, a.outcome])).toEqual([
        ['a', 'adapter_error'],
        ['b', 'success'],
      ]);
      expect(result.attempts[0]?.message).toBe('adapter bug');
    }
    const stats = router.stats().providers.a?.models.one;
    expect(stats).toMatchObject({ failures: { adapter_error: 3 }, circuit: 'closed' });
    // Logged once for the model, so the adapter's author hears of it without a flood.
    expect(logger.lines.filter((line) => line.includes('not a ProviderError'))).toHaveLength(1);
  });

  it("an InvalidRequestError thrown by an adapter is the caller's fault: invalid_request, no fallback", async () => {
    const { router, adapters } = threeProviders([]);
    (adapters[0] as { doGenerate: unknown }).doGenerate = async () => {
      throw new InvalidRequestError('image url must be a string');
    };
    const error = await router.chat(say('hi')).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).attempts).toMatchObject([
      { provider: 'a', outcome: 'invalid_request' },
    ]);
  });

  it('invalid_request fails fast with InvalidRequestError carrying the attempts', async () => {
    const { router, adapters } = threeProviders([
      { fail: 'invalid_request', status: 400, message: 'bad param' },
    ]);
    const error = await router.chat(say('hi')).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).attempts).toMatchObject([
      { provider: 'a', outcome: 'invalid_request', status: 400 },
    ]);
    expect((error as Error).message).toContain('bad param');
    expect(adapters[1]?.calls).toHaveLength(0);
  });

  it('context_length falls back only to models with a larger window', async () => {
    const { router, adapters } = setup([
      {
        name: 'a',
        models: [{ ...one, contextWindow: 8000 }],
        script: { one: [{ fail: 'context_length', status: 400 }] },
      },
      { name: 'b', models: [{ ...two, contextWindow: 8000 }] },
      { name: 'c', models: [{ ...three, contextWindow: 200_000 }], script: { three: [{ reply: 'big' }] } },
    ]);
    const result = await router.chat(say('hi'));
    expect(result.text).toBe('big');
    expect(adapters[1]?.calls).toHaveLength(0);
  });

  it('content_filter is returned as the finish reason by default', async () => {
    const { router, adapters } = threeProviders([{ fail: 'content_filter', status: 400 }]);
    const result = await router.chat(say('hi'));
    expect(result).toMatchObject({ finishReason: 'content-filter', text: '', provider: 'a' });
    expect(adapters[1]?.calls).toHaveLength(0);
  });

  it('content_filter falls back when the request opts in, thrown or as a finish reason', async () => {
    const thrown = threeProviders([{ fail: 'content_filter' }]);
    expect((await thrown.router.chat({ ...say('hi'), fallbackOnContentFilter: true })).text).toBe('from b');
    const finished = threeProviders([{ reply: 'no', finishReason: 'content-filter' }]);
    const result = await finished.router.chat({ ...say('hi'), fallbackOnContentFilter: true });
    expect(result.attempts.map((a) => a.outcome)).toEqual(['content_filter', 'success']);
    const kept = threeProviders([{ reply: 'no', finishReason: 'content-filter' }]);
    expect((await kept.router.chat(say('hi'))).finishReason).toBe('content-filter');
  });

  it('auth disables the provider for the router life and emits provider-disabled', async () => {
    const { router, adapters } = setup([
      {
        name: 'a',
        models: [one, { ...two, id: 'one-b' }],
        script: { one: [{ fail: 'auth', status: 401, message: 'key sk-0123456789abcdefghij wrong' }] },
      },
      { name: 'c', models: [three] },
    ]);
    const disabled: unknown[] = [];
    router.on('provider-disabled', (event) => disabled.push(event));
    await router.chat(say('hi'));
    await router.chat(say('again'));
    expect(adapters[0]?.calls).toHaveLength(1);
    expect(disabled).toEqual([{ provider: 'a', failure: 'auth', message: 'key [redacted] wrong' }]);
    expect(router.stats().providers.a?.disabled).toBe(true);
  });

  it('not_found marks only that model unavailable', async () => {
    const { router, adapters } = setup([
      {
        name: 'a',
        models: [one, { ...two, id: 'two-a' }],
        script: { one: [{ fail: 'not_found', status: 404 }] },
      },
    ]);
    await router.chat(say('hi'));
    await router.chat(say('again'));
    expect(adapters[0]?.calls.map((c) => c.model)).toEqual(['one', 'two-a', 'two-a']);
    expect(router.stats().providers.a?.models.one?.available).toBe(false);
  });

  it('maxAttempts caps tries across providers', async () => {
    const { router } = threeProviders([{ fail: 'server' }], { maxAttempts: 1 });
    const error = await router.chat(say('hi')).catch((caught: unknown) => caught);
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect((error as AllProvidersFailedError).attempts).toHaveLength(1);
    expect((error as Error).message).toContain('maxAttempts (1)');
  });
});
