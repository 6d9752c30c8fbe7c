import type { BudgetLimits, MaybePromise, ReserveResult, RouterStore } from '@spillway/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** A store for one test, and how to make time pass for it. */
export type StoreUnderTest = {
  /** Empty: a fresh store, or a fresh namespace of a shared one. */
  store: RouterStore;
  /**
   * Ages what the store keeps by `ms`. The suite moves the `now` it passes by the same amount; a store
   * that reads its own clock (Redis refills by the server's `TIME`) must age its state here.
   */
  elapse?: (ms: number) => MaybePromise<void>;
  close?: () => MaybePromise<void>;
};

export type StoreCase =
  | 'all-or-nothing'
  | 'never-fits'
  | 'unlimited-dimension'
  | 'settle'
  | 'learned-limit'
  | 'remaining-never-raises'
  | 'pending'
  | 'slack'
  | 'headers-only'
  | 'windows'
  | 'split-tokens'
  | 'keys'
  | 'cooldowns'
  | 'spend';

export type StoreConformanceOptions = {
  /** Shown in the test names, e.g. 'memoryStore()'. */
  name: string;
  /** Called before each case. */
  makeStore: () => MaybePromise<StoreUnderTest>;
  /**
   * Time that may pass on the store's own clock between two calls the suite makes at one `now` (a
   * server's clock keeps running): waits may be that much shorter and levels that much refilled.
   * Default 0: answers must be exact.
   */
  clockDriftMs?: number;
  /** Cases to leave out, each with the reason (shown as a skipped test). */
  skip?: Partial<Record<StoreCase, string>>;
};

type Levels = Awaited<ReturnType<RouterStore['inspect']>>;

const KEY = 'openai/gpt-4o-mini';
const HOUR = 3_600_000;
const DAY = 86_400_000;
// Hour-long windows: a store on a server clock refills next to nothing while a case runs.
const limits: BudgetLimits = {
  requests: { capacity: 3, windowMs: HOUR },
  tokens: { capacity: 1_000, windowMs: HOUR },
};

/**
 * Every `RouterStore` behaviour the router relies on, for any store: `runStoreConformance({ name,
 * makeStore })` inside a vitest file. The memory store and the Redis store both run it; a new store runs
 * it to show it keeps the same contract.
 */
export function runStoreConformance(options: StoreConformanceOptions): void {
  const drift = options.clockDriftMs ?? 0;
  let current: StoreUnderTest | undefined;
  let now = 0;

  const store = () => current?.store as RouterStore;
  const advance = async (ms: number) => {
    now += ms;
    await current?.elapse?.(ms);
  };
  const reserve = async (amounts: Record<string, number>, given = limits, slackMs?: number, key = KEY) =>
    (await store().reserve(key, given, amounts, now, slackMs)) as ReserveResult;
  const inspect = async (given = limits, key = KEY) => (await store().inspect(key, given, now)) as Levels;

  /** A refusal of `dimension` for `waitMs` (less up to the drift, more up to 1 ms of rounding). */
  const expectRefused = (result: ReserveResult, dimension: string, waitMs: number) => {
    expect(result).toMatchObject({ ok: false, dimension });
    const retryInMs = result.ok ? Number.NaN : result.retryInMs;
    if (waitMs === Number.POSITIVE_INFINITY) return expect(retryInMs).toBe(waitMs);
    expect(retryInMs).toBeGreaterThanOrEqual(waitMs - drift - 1);
    expect(retryInMs).toBeLessThanOrEqual(waitMs + 1);
  };
  /** A level of `available` (refilled up to the drift's worth of the window). */
  const expectLevel = (
    level: { capacity: number; available: number } | undefined,
    capacity: number,
    available: number,
    windowMs = HOUR,
  ) => {
    expect(level?.capacity).toBe(capacity);
    expect(level?.available).toBeGreaterThanOrEqual(available - 1e-9);
    expect(level?.available).toBeLessThanOrEqual(available + (capacity * drift) / windowMs + 1e-9);
  };
  const expectHeadroom = (result: ReserveResult, headroom: number) => {
    expect(result.ok).toBe(true);
    expect(result.ok && result.headroom).toBeCloseTo(headroom, 2);
  };

  const cases: Record<StoreCase, [string, () => Promise<void>]> = {
    'all-or-nothing': [
      'reserves all or nothing, says which dimension is short and for how long, and refills',
      async () => {
        expectHeadroom(await reserve({ requests: 1, tokens: 600 }), 0.4);
        // 200 tokens short at 1,000 an hour: 12 minutes. Nothing is taken from `requests` either.
        expectRefused(await reserve({ requests: 1, tokens: 600 }), 'tokens', 720_000);
        const levels = await inspect();
        expectLevel(levels.requests, 3, 2);
        expectLevel(levels.tokens, 1_000, 400);
        await advance(720_000);
        expect(await reserve({ requests: 1, tokens: 600 })).toMatchObject({ ok: true });
      },
    ],
    'never-fits': [
      'refuses for ever what can never fit',
      async () => {
        expectRefused(await reserve({ requests: 1, tokens: 1_001 }), 'tokens', Number.POSITIVE_INFINITY);
        expectLevel((await inspect()).tokens, 1_000, 1_000);
      },
    ],
    'unlimited-dimension': [
      'ignores dimensions without a limit',
      async () => {
        expect(await reserve({ requests: 1, tokens: 10, inputTokens: 1e9 })).toMatchObject({ ok: true });
      },
    ],
    settle: [
      'settles to real usage: refunds the unused part, charges an overrun as debt',
      async () => {
        await reserve({ requests: 1, tokens: 500 });
        await store().settle(KEY, limits, { requests: 1, tokens: 500 }, { requests: 1, tokens: 100 }, now);
        expectLevel((await inspect()).tokens, 1_000, 900);
        await reserve({ requests: 1, tokens: 100 });
        await store().settle(KEY, limits, { requests: 1, tokens: 100 }, { requests: 1, tokens: 1_500 }, now);
        // 900 - 1,500 = -600: the next 100 tokens wait for 700 to refill (42 minutes).
        expectRefused(await reserve({ tokens: 100 }), 'tokens', 2_520_000);
        // A refund never lifts a bucket above its capacity.
        await store().settle(KEY, limits, { tokens: 5_000 }, { tokens: 0 }, now);
        expectLevel((await inspect()).tokens, 1_000, 1_000);
      },
    ],
    'learned-limit': [
      'learns a lower limit and the remaining count from headers; the configured one does not override it',
      async () => {
        await store().observe(KEY, { requests: { limit: 2, remaining: 1, windowMs: HOUR } }, now);
        expectLevel((await inspect()).requests, 2, 1);
        expectHeadroom(await reserve({ requests: 1 }), 0);
        // One request of 2 an hour: half an hour.
        expectRefused(await reserve({ requests: 1 }), 'requests', 1_800_000);
      },
    ],
    'remaining-never-raises': [
      'never raises the level from a remaining count',
      async () => {
        await reserve({ requests: 1, tokens: 900 });
        await store().observe(KEY, { tokens: { limit: 1_000, remaining: 1_000, windowMs: HOUR } }, now);
        expectLevel((await inspect()).tokens, 1_000, 100);
      },
    ],
    pending: [
      'lowers the level below remaining by what was sent after the answered call',
      async () => {
        await store().observe(
          KEY,
          { tokens: { limit: 1_000, remaining: 300, pending: 200, windowMs: HOUR } },
          now,
        );
        expectLevel((await inspect()).tokens, 1_000, 100);
      },
    ],
    slack: [
      'keeps a slack of refill on top of the amount, never more than the capacity',
      async () => {
        // 3 an hour: 10 minutes of slack is half a request, so the third needs 1.5 left and waits 10 minutes.
        const slack = 600_000;
        expect(await reserve({ requests: 1 }, limits, slack)).toMatchObject({ ok: true });
        expect(await reserve({ requests: 1 }, limits, slack)).toMatchObject({ ok: true });
        expectRefused(await reserve({ requests: 1 }, limits, slack), 'requests', 600_000);
        // Without slack the last request still fits.
        expect(await reserve({ requests: 1 })).toMatchObject({ ok: true });
        // A whole bucket fits an empty one, whatever the slack.
        expect(await reserve({ tokens: 1_000 }, limits, HOUR, 'other/model')).toMatchObject({ ok: true });
      },
    ],
    'headers-only': [
      'learns a model with no configured limits entirely from headers',
      async () => {
        expect(await reserve({ requests: 1, tokens: 50 }, {})).toEqual({ ok: true, headroom: 1 });
        await store().observe(KEY, { tokens: { limit: 100, remaining: 50, windowMs: HOUR } }, now);
        expectHeadroom(await reserve({ requests: 1, tokens: 50 }, {}), 0);
        expectRefused(await reserve({ requests: 1, tokens: 50 }, {}), 'tokens', 1_800_000);
      },
    ],
    windows: [
      'keeps a per-day window beside a shorter one (Groq requests)',
      async () => {
        await store().observe(KEY, { requests: { limit: 4, remaining: 1, windowMs: DAY } }, now);
        expect(await reserve({ requests: 1 })).toMatchObject({ ok: true });
        // The hour still has 2, but the day is used up for 6 hours (a quarter of a day per request).
        expectRefused(await reserve({ requests: 1 }), 'requests', 21_600_000);
        // `inspect` reports the tighter window.
        expectLevel((await inspect()).requests, 4, 0, DAY);
      },
    ],
    'split-tokens': [
      'keeps input and output token buckets apart (Anthropic)',
      async () => {
        const split: BudgetLimits = {
          inputTokens: { capacity: 1_000, windowMs: HOUR },
          outputTokens: { capacity: 200, windowMs: HOUR },
        };
        const amounts = { requests: 1, tokens: 350, inputTokens: 300, outputTokens: 50 };
        for (let i = 0; i < 3; i++) expect(await reserve(amounts, split)).toMatchObject({ ok: true });
        expectRefused(await reserve(amounts, split), 'inputTokens', 720_000);
        const levels = await inspect(split);
        expectLevel(levels.inputTokens, 1_000, 100);
        expectLevel(levels.outputTokens, 200, 50);
      },
    ],
    keys: [
      'keeps every key apart',
      async () => {
        await reserve({ requests: 3 });
        expectRefused(await reserve({ requests: 1 }), 'requests', 1_200_000);
        expect(await reserve({ requests: 3 }, limits, 0, 'groq/llama')).toMatchObject({ ok: true });
        await store().setCooldown(KEY, now + 5_000, now);
        expect(await store().cooldownUntil('groq/llama', now)).toBe(0);
      },
    ],
    spend: [
      'reserves spend holds with the buckets all or nothing, settles them and starts each window at zero',
      async () => {
        if (!store().spendBudgets) return;
        const window = { windowStart: 0, windowEnd: DAY };
        const holds = (amountUsd: number, start = 0) => [
          { key: 'daily', limitUsd: 0.05, amountUsd, ...window, windowStart: start },
          { key: 'model|a', limitUsd: 0.02, amountUsd, ...window, windowStart: start },
        ];
        const take = async (amountUsd: number, start = 0) =>
          (await store().reserve(
            KEY,
            limits,
            { requests: 1 },
            now,
            0,
            holds(amountUsd, start),
          )) as ReserveResult;
        const first = await take(0.01);
        expect(first.ok && first.spentUsd?.map((usd) => Number(usd.toFixed(9)))).toEqual([0.01, 0.01]);
        await take(0.01);
        // The model's $0.02 is full: refused, and neither the other budget nor a request was taken.
        const refused = await take(0.01);
        expect(refused).toMatchObject({ ok: false, dimension: 'spend', hold: 1 });
        expect(!refused.ok && refused.spentUsd).toBeCloseTo(0.02, 9);
        expect(store().spentUsd?.('daily', 0)).toBeCloseTo(0.02, 9);
        expectLevel((await inspect()).requests, 3, 1);
        // Both calls cost $0.004: settled, $0.012 of the model's budget is free again.
        const settle = (start = 0) =>
          holds(0, start).map(({ key, windowStart, windowEnd }) => ({
            key,
            windowStart,
            windowEnd,
            reservedUsd: 0.01,
            actualUsd: 0.004,
          }));
        await store().settle(KEY, limits, { requests: 1 }, { requests: 1 }, now, settle());
        await store().settle(KEY, limits, { requests: 1 }, { requests: 1 }, now, settle());
        await advance(HOUR);
        const after = await take(0.01);
        expect(after.ok && after.spentUsd?.map((usd) => Number(usd.toFixed(9)))).toEqual([0.018, 0.018]);
        // The next window starts at zero; settling a call of the old one leaves the new one alone.
        const next = await take(0.015, DAY);
        expect(next.ok && next.spentUsd?.map((usd) => Number(usd.toFixed(9)))).toEqual([0.015, 0.015]);
        await store().settle(KEY, limits, { requests: 1 }, { requests: 1 }, now, settle(0));
        expect(store().spentUsd?.('model|a', DAY)).toBeCloseTo(0.015, 9);
      },
    ],
    cooldowns: [
      'cools a key down until a deadline that a shorter one never shortens, and lets it expire',
      async () => {
        const deadline = async (until: number) => await store().setCooldown(KEY, until, now);
        expect(await store().cooldownUntil(KEY, now)).toBe(0);
        expect(await deadline(5_000)).toBe(5_000);
        expect(await deadline(2_000)).toBe(5_000);
        await advance(1_000);
        expect(await deadline(3_000)).toBe(5_000);
        expect(await store().cooldownUntil(KEY, now)).toBe(5_000);
        // A later deadline extends it.
        expect(await deadline(9_000)).toBe(9_000);
        await advance(7_000);
        expect(await store().cooldownUntil(KEY, now)).toBe(9_000);
        await advance(1_000);
        expect(await store().cooldownUntil(KEY, now)).toBe(0);
        // A deadline already past starts nothing.
        await deadline(now - 1);
        expect(await store().cooldownUntil(KEY, now)).toBe(0);
      },
    ],
  };

  describe(`${options.name} keeps the store contract`, () => {
    beforeEach(async () => {
      now = 0;
      current = await options.makeStore();
    });
    afterEach(async () => {
      await current?.close?.();
      current = undefined;
    });
    for (const [id, [title, body]] of Object.entries(cases) as [StoreCase, [string, () => Promise<void>]][]) {
      const reason = options.skip?.[id];
      if (reason) it.skip(`${title} (${reason})`, body);
      else it(title, body);
    }
  });
}
