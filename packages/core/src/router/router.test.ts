import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError, ConfigError, NoEligibleModelError } from '../errors.js';
import { say, setup } from './test-helpers.js';

const cheap = { id: 'cheap', capability: 3, inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.4 };
const mid = { id: 'mid', capability: 6, inputUsdPerMTok: 1, outputUsdPerMTok: 4 };
const top = { id: 'top', capability: 9, inputUsdPerMTok: 5, outputUsdPerMTok: 25 };

describe('router.chat', () => {
  it('sends to the cheapest model and returns text, usage, cost and one attempt', async () => {
    const { router, adapters } = setup([
      { name: 'a', models: [mid], script: { mid: [{ reply: 'from mid' }] } },
      {
        name: 'b',
        models: [cheap],
        script: { cheap: [{ reply: 'from cheap', usage: { inputTokens: 1000, outputTokens: 500 } }] },
      },
    ]);
    const result = await router.chat(say('hello'));
    expect(result).toMatchObject({
      text: 'from cheap',
      provider: 'b',
      model: 'cheap',
      finishReason: 'stop',
      usage: { inputTokens: 1000, outputTokens: 500, totalTokens: 1500 },
      attempts: [{ provider: 'b', model: 'cheap', outcome: 'success', durationMs: 0, waitedMs: 0 }],
    });
    expect(result.costUsd).toBeCloseTo((1000 * 0.1 + 500 * 0.4) / 1e6, 12);
    expect(adapters[0]?.calls).toHaveLength(0);
    expect(adapters[1]?.calls[0]?.call).toMatchObject({
      model: 'cheap',
      messages: [{ role: 'user', content: 'hello' }],
    });
  });

  it('falls back to the next candidate on a 429 and records both attempts', async () => {
    const { router } = setup([
      {
        name: 'a',
        models: [cheap],
        script: { cheap: [{ fail: 'rate_limit', status: 429, retryAfterMs: 2000 }] },
      },
      { name: 'b', models: [mid], script: { mid: [{ reply: 'second' }] } },
    ]);
    const result = await router.chat(say('hi'));
    expect(result.text).toBe('second');
    expect(result.attempts.map((a) => [a.provider, a.outcome, a.status])).toEqual([
      ['a', 'rate_limit', 429],
      ['b', 'success', undefined],
    ]);
  });

  it('throws AllProvidersFailedError with every attempt when all fail', async () => {
    const { router } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ fail: 'quota', status: 429 }] } },
      {
        name: 'b',
        models: [mid],
        script: { mid: [{ fail: 'auth', status: 401, message: 'bad key sk-abcdefghijklmnopqrstuvwx' }] },
      },
    ]);
    const error = await router.chat(say('hi')).catch((caught: unknown) => caught);
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    const attempts = (error as AllProvidersFailedError).attempts;
    expect(attempts.map((a) => a.outcome)).toEqual(['quota', 'auth']);
    expect(attempts[1]?.message).toBe('bad key [redacted]');
    expect((error as Error).message).not.toContain('sk-abc');
  });

  it('throws NoEligibleModelError listing why each model was left out', async () => {
    const { router } = setup([{ name: 'a', models: [cheap, top] }]);
    const error = await router.chat({ ...say('hi'), minCapability: 10 }).catch((caught: unknown) => caught);
    expect(NoEligibleModelError.isInstance(error)).toBe(true);
    expect((error as NoEligibleModelError).exclusions).toEqual([
      { provider: 'a', model: 'cheap', reason: 'capability 3 is below minCapability 10' },
      { provider: 'a', model: 'top', reason: 'capability 9 is below minCapability 10' },
    ]);
  });

  it('rejects requests after close() and closes adapters', async () => {
    const { router, adapters } = setup([{ name: 'a', models: [cheap] }]);
    let closed = 0;
    (adapters[0] as { close?: () => void }).close = () => {
      closed++;
    };
    await router.close();
    expect(closed).toBe(1);
    await expect(router.chat(say('hi'))).rejects.toSatisfy(ConfigError.isInstance);
  });

  it("'fastest' routes to the model with the lower observed latency", async () => {
    const { router, clock } = setup(
      [
        {
          name: 'a',
          models: [cheap],
          script: { cheap: [{ reply: 'slow', latencyMs: 300 }, { reply: 'slow again' }] },
        },
        {
          name: 'b',
          models: [top],
          script: { top: [{ reply: 'fast', latencyMs: 100 }, { reply: 'fast again' }] },
        },
      ],
      { strategy: 'fastest' },
    );
    for (const model of ['cheap', 'top']) {
      const pending = router.chat({ ...say('warm up'), model });
      await clock.runAll();
      await pending;
    }
    expect((await router.chat(say('hi'))).model).toBe('top');
  });

  it("'most-capable' routes to the highest capability", async () => {
    const { router } = setup([{ name: 'a', models: [cheap, mid, top] }], { strategy: 'most-capable' });
    expect((await router.chat(say('hi'))).model).toBe('top');
  });

  it('a custom strategy that throws is reported as ConfigError on strategy', async () => {
    const { router } = setup([{ name: 'a', models: [cheap] }], {
      strategy: () => {
        throw new Error('oops');
      },
    });
    await expect(router.chat(say('hi'))).rejects.toMatchObject({ code: 'config_error', field: 'strategy' });
  });
});
