import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError, BudgetExceededError, ConfigError } from '../errors.js';
import type { RouterEvents } from '../router/events.js';
import type { RouterOptions } from '../router/options.js';
import { say, setup } from '../router/test-helpers.js';
import type { RouterStore } from '../store.js';

// Output tokens cost $0.001 each and input is free, so a call's maximum cost is maxTokens / 1000 and
// its real cost is outputTokens / 1000.
const cheap = { id: 'cheap', capability: 3, inputUsdPerMTok: 0, outputUsdPerMTok: 1_000 };
const dear = { id: 'dear', capability: 8, inputUsdPerMTok: 0, outputUsdPerMTok: 4_000 };
const replies = (count: number, outputTokens = 3) =>
  Array.from({ length: count }, () => ({ reply: 'ok', usage: { inputTokens: 5, outputTokens } }));
const ask = (maxTokens = 10, tenant?: string) => ({ ...say('hi'), maxTokens, ...(tenant ? { tenant } : {}) });
const NOON = Date.UTC(2026, 0, 15, 12);
const MIDNIGHT = Date.UTC(2026, 0, 16);

function daily(limitUsd: number, extra: object = {}): Partial<RouterOptions> {
  return { budgets: [{ name: 'daily', limitUsd, window: 'day', ...extra }] };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('spend budgets', () => {
  it('settles each call to its real cost and refuses once spent, naming the budget and its reset', async () => {
    const { router, clock, adapters } = setup(
      [{ name: 'a', models: [cheap], script: { cheap: replies(20) } }],
      daily(0.05),
    );
    await clock.advance(NOON - clock.now());
    // Each call holds $0.010 and settles to $0.003: 14 fit ($0.042), the 15th needs $0.010 with $0.008 left.
    for (let i = 0; i < 14; i++) await router.chat(ask());
    const error = await rejection(router.chat(ask()));
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      budget: 'daily',
      window: 'day',
      limitUsd: 0.05,
      resetAt: MIDNIGHT,
      retryAfterMs: MIDNIGHT - NOON,
    });
    expect((error as Error).message).toContain('Spend budget "daily" exceeded');
    expect(adapters[0]?.calls).toHaveLength(14);
    expect(router.stats().budgets?.daily).toMatchObject({
      spentUsd: expect.closeTo(0.042, 9),
      heldUsd: 0,
      remainingUsd: expect.closeTo(0.008, 9),
      resetAt: MIDNIGHT,
    });
    // A smaller call still fits; the next window starts over.
    await router.chat(ask(8));
    await clock.advance(MIDNIGHT - clock.now());
    await router.chat(ask());
    expect(router.stats().budgets?.daily?.spentUsd).toBeCloseTo(0.003, 9);
  });

  it("holds a long prompt at its model's long-context prices", async () => {
    // Input is free below 1,000 prompt tokens and $1,000 per million above: a long prompt's hold is
    // its input plus maxTokens output at $0.002 each, which $0.05 cannot hold.
    const tiered = {
      ...cheap,
      contextWindow: 100_000,
      longContext: { aboveInputTokens: 1_000, inputUsdPerMTok: 1_000, outputUsdPerMTok: 2_000 },
    };
    const { router, adapters } = setup(
      [{ name: 'a', models: [tiered], script: { cheap: replies(2) } }],
      daily(0.05),
    );
    await router.chat(ask());
    const long = { messages: [{ role: 'user' as const, content: 'word '.repeat(2_000) }], maxTokens: 10 };
    const error = await rejection(router.chat(long));
    expect(error).toMatchObject({ code: 'budget_exceeded', budget: 'daily' });
    expect(adapters[0]?.calls).toHaveLength(1);
  });

  it('holds the maximum cost while calls are in flight, so concurrent requests cannot overspend', async () => {
    const { router, clock, adapters } = setup(
      [
        {
          name: 'a',
          // Configured limits, so the model does not learn its limits one call at a time.
          models: [{ ...cheap, limits: { rpm: 1_000 } }],
          script: { cheap: replies(10).map((step) => ({ ...step, latencyMs: 1_000 })) },
        },
      ],
      daily(0.035),
    );
    const results = Promise.allSettled(Array.from({ length: 10 }, () => router.chat(ask())));
    await clock.advance(1_000);
    const settled = await results;
    // $0.035 holds three $0.010 calls at once; the other seven are refused before anything is sent.
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = settled.filter((r) => r.status === 'rejected');
    expect(refused.every((r) => BudgetExceededError.isInstance(r.reason))).toBe(true);
    expect(adapters[0]?.calls).toHaveLength(3);
    expect(router.stats().budgets?.daily?.spentUsd).toBeCloseTo(0.009, 9);
  });

  it('falls back to a cheaper model that fits before refusing', async () => {
    const { router, adapters } = setup(
      [
        { name: 'a', models: [cheap], script: { cheap: replies(5) } },
        { name: 'b', models: [dear], script: { dear: replies(5) } },
      ],
      { ...daily(0.05), strategy: 'most-capable' },
    );
    const exhausted: RouterEvents['budget-exhausted'][] = [];
    router.on('budget-exhausted', (event) => exhausted.push(event));
    // dear holds $0.040 and settles to $0.012; the second dear call would need $0.040 of the $0.038 left.
    expect((await router.chat(ask())).model).toBe('dear');
    const second = await router.chat(ask());
    expect(second.model).toBe('cheap');
    expect(second.attempts.map((attempt) => attempt.model)).toEqual(['cheap']);
    expect(exhausted).toEqual([
      expect.objectContaining({ provider: 'b', model: 'dear', budget: 'daily', neededUsd: 0.04 }),
    ]);
    expect(adapters[1]?.calls).toHaveLength(1);
  });

  it('rejects up front a request whose maximum cost no window could hold', async () => {
    const { router, adapters } = setup([{ name: 'a', models: [cheap] }], daily(0.05));
    const error = await rejection(router.chat(ask(100)));
    expect(error).toMatchObject({ code: 'budget_exceeded', retryAfterMs: Number.POSITIVE_INFINITY });
    expect((error as Error).message).toContain('costs up to $0.1');
    expect(adapters[0]?.calls).toHaveLength(0);
  });

  it('releases the hold when the call fails', async () => {
    const { router } = setup(
      [{ name: 'a', models: [cheap], script: { cheap: [{ fail: 'server', status: 500 }] } }],
      { ...daily(0.05), maxAttempts: 1 },
    );
    const error = await rejection(router.chat(ask(40)));
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect(router.stats().budgets?.daily).toMatchObject({ spentUsd: 0, heldUsd: 0, remainingUsd: 0.05 });
    await router.chat(ask(40));
  });

  it('keeps tenant, provider and model budgets apart and announces a budget running low once', async () => {
    const { router } = setup(
      [
        { name: 'a', models: [cheap], script: { cheap: replies(20, 5) } },
        { name: 'b', models: [dear] },
      ],
      {
        budgets: [
          { name: 'per-tenant', limitUsd: 0.02, window: 'hour', scope: 'tenant' },
          { name: 'per-provider', limitUsd: 1, window: 'month', scope: 'provider' },
          { name: 'dear-only', limitUsd: 1, window: 60_000, scope: 'model', match: 'dear' },
        ],
        tenants: { acme: { budgets: [{ name: 'monthly', limitUsd: 0.5, window: 'month' }] } },
      },
    );
    const low: RouterEvents['budget-low'][] = [];
    router.on('budget-low', (event) => low.push(event));
    for (let i = 0; i < 3; i++) await router.chat({ ...ask(), model: 'cheap', tenant: 'acme' });
    // acme has spent $0.015 of its $0.02 an hour; a $0.010 call no longer fits, globex's does.
    const error = await rejection(router.chat({ ...ask(), model: 'cheap', tenant: 'acme' }));
    expect(error).toMatchObject({ budget: 'per-tenant:acme', window: 'hour' });
    await router.chat({ ...ask(), model: 'cheap', tenant: 'globex' });
    await router.chat({ ...ask(), model: 'cheap' });
    const budgets = router.stats().budgets ?? {};
    expect(Object.keys(budgets).sort()).toEqual([
      'dear-only',
      'per-provider:a',
      'per-provider:b',
      'per-tenant:acme',
      'per-tenant:globex',
      'tenant:acme/monthly',
    ]);
    expect(budgets['per-provider:a']?.spentUsd).toBeCloseTo(0.025, 9);
    expect(budgets['tenant:acme/monthly']).toMatchObject({ tenant: 'acme', scope: 'global', limitUsd: 0.5 });
    expect(budgets['per-tenant:acme']?.instance).toBe('acme');
    // Below a tenth left after the third acme call held $0.010 on top of $0.010 spent: reported once.
    expect(low).toEqual([
      expect.objectContaining({ budget: 'per-tenant:acme', dimension: 'usd', capacity: 0.02, available: 0 }),
    ]);
  });

  it('needs a store that keeps spend budgets', () => {
    const bare: RouterStore = {
      kind: 'custom',
      reserve: () => ({ ok: true, headroom: 1 }),
      settle: () => {},
      observe: () => {},
      inspect: () => ({}),
      cooldownUntil: () => 0,
      setCooldown: (_key, until) => until,
    };
    expect(() => setup([{ name: 'a', models: [cheap] }], { ...daily(1), store: bare })).toThrow(ConfigError);
  });
});
