import { describe, expect, it } from 'vitest';
import type { BudgetLimits } from '../store.js';
import { memoryStore } from './memory-store.js';

const KEY = 'openai/gpt-4o-mini';
const MINUTE = 60_000;
const limits: BudgetLimits = {
  requests: { capacity: 3, windowMs: MINUTE },
  tokens: { capacity: 1_000, windowMs: MINUTE },
};

describe('memoryStore budgets', () => {
  it('reserves all or nothing and says which dimension is short and for how long', () => {
    const store = memoryStore();
    expect(store.reserve(KEY, limits, { requests: 1, tokens: 600 }, 0)).toEqual({ ok: true, headroom: 0.4 });
    // tokens short by 200 of 1000/min: 12 s; requests fine. Nothing is taken.
    expect(store.reserve(KEY, limits, { requests: 1, tokens: 600 }, 0)).toEqual({
      ok: false,
      dimension: 'tokens',
      retryInMs: 12_000,
    });
    expect(store.inspect(KEY, limits, 0)).toEqual({
      requests: { capacity: 3, available: 2 },
      tokens: { capacity: 1_000, available: 400 },
    });
    expect(store.reserve(KEY, limits, { requests: 1, tokens: 600 }, 12_000)).toMatchObject({ ok: true });
  });

  it('refuses for ever what can never fit', () => {
    const store = memoryStore();
    expect(store.reserve(KEY, limits, { requests: 1, tokens: 1_001 }, 0)).toEqual({
      ok: false,
      dimension: 'tokens',
      retryInMs: Number.POSITIVE_INFINITY,
    });
  });

  it('ignores dimensions without a limit', () => {
    const store = memoryStore();
    const result = store.reserve(KEY, limits, { requests: 1, tokens: 10, inputTokens: 1e9 }, 0);
    expect(result).toMatchObject({ ok: true });
  });

  it('settles to real usage: refunds the unused part, charges an overrun as debt', () => {
    const store = memoryStore();
    store.reserve(KEY, limits, { requests: 1, tokens: 500 }, 0);
    store.settle(KEY, limits, { requests: 1, tokens: 500 }, { requests: 1, tokens: 100 }, 0);
    expect(store.inspect(KEY, limits, 0).tokens).toEqual({ capacity: 1_000, available: 900 });
    store.reserve(KEY, limits, { requests: 1, tokens: 100 }, 0);
    store.settle(KEY, limits, { requests: 1, tokens: 100 }, { requests: 1, tokens: 1_500 }, 0);
    // 900 - 1500 = -600: the next 100 tokens need 700 to refill (42 s).
    expect(store.reserve(KEY, limits, { requests: 1, tokens: 100 }, 0)).toMatchObject({
      ok: false,
      retryInMs: 42_000,
    });
  });

  it('learns a lower limit and the remaining count from headers', () => {
    const store = memoryStore();
    store.observe(KEY, { requests: { limit: 2, remaining: 1, resetMs: 30_000 } }, 0);
    expect(store.inspect(KEY, limits, 0).requests).toEqual({ capacity: 2, available: 1 });
    // The configured limit does not override what the provider said.
    expect(store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: true, headroom: 0 });
    expect(store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: false, retryInMs: 30_000 });
  });

  it('never raises the level from a remaining count', () => {
    const store = memoryStore();
    store.reserve(KEY, limits, { requests: 1, tokens: 900 }, 0);
    store.observe(KEY, { tokens: { limit: 1_000, remaining: 1_000 } }, 0);
    expect(store.inspect(KEY, limits, 0).tokens?.available).toBe(100);
  });

  it('lowers the level below remaining by what was sent after the answered call', () => {
    const store = memoryStore();
    store.observe(KEY, { tokens: { limit: 1_000, remaining: 300, pending: 200 } }, 0);
    expect(store.inspect(KEY, limits, 0).tokens?.available).toBe(100);
  });

  it('keeps a slack of refill on top of the amount, never more than the capacity', () => {
    const store = memoryStore();
    // 3 per minute: 10 s of slack is half a request, so the third needs 1.5 left and waits 10 s.
    expect(store.reserve(KEY, limits, { requests: 1 }, 0, 10_000)).toMatchObject({ ok: true });
    expect(store.reserve(KEY, limits, { requests: 1 }, 0, 10_000)).toMatchObject({ ok: true });
    expect(store.reserve(KEY, limits, { requests: 1 }, 0, 10_000)).toEqual({
      ok: false,
      dimension: 'requests',
      retryInMs: 10_000,
    });
    // A whole bucket still fits a full bucket, whatever the slack.
    expect(store.reserve('other', limits, { tokens: 1_000 }, 0, 60_000)).toMatchObject({ ok: true });
  });

  it('learns a model with no configured limits entirely from headers', () => {
    const store = memoryStore();
    expect(store.reserve(KEY, {}, { requests: 1, tokens: 50 }, 0)).toEqual({ ok: true, headroom: 1 });
    store.observe(KEY, { tokens: { limit: 100, remaining: 50 } }, 0);
    expect(store.reserve(KEY, {}, { requests: 1, tokens: 50 }, 0)).toMatchObject({ ok: true, headroom: 0 });
    expect(store.reserve(KEY, {}, { requests: 1, tokens: 50 }, 0)).toMatchObject({
      ok: false,
      dimension: 'tokens',
      retryInMs: 30_000,
    });
  });

  it('keeps a per-day window beside a per-minute one (Groq requests)', () => {
    const store = memoryStore();
    store.observe(KEY, { requests: { limit: 4, remaining: 1, windowMs: 86_400_000 } }, 0);
    expect(store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: true });
    // The per-minute bucket still has 2, but the day is used up for 6 hours (a quarter of a day per request).
    expect(store.reserve(KEY, limits, { requests: 1 }, 0)).toEqual({
      ok: false,
      dimension: 'requests',
      retryInMs: 21_600_000,
    });
  });

  it('keeps Anthropic input and output token buckets apart', () => {
    const store = memoryStore();
    const anthropic: BudgetLimits = {
      inputTokens: { capacity: 1_000, windowMs: MINUTE },
      outputTokens: { capacity: 200, windowMs: MINUTE },
    };
    const amounts = { requests: 1, tokens: 350, inputTokens: 300, outputTokens: 50 };
    for (let i = 0; i < 3; i++) expect(store.reserve(KEY, anthropic, amounts, 0)).toMatchObject({ ok: true });
    expect(store.reserve(KEY, anthropic, amounts, 0)).toEqual({
      ok: false,
      dimension: 'inputTokens',
      retryInMs: 12_000,
    });
    expect(store.inspect(KEY, anthropic, 0)).toEqual({
      inputTokens: { capacity: 1_000, available: 100 },
      outputTokens: { capacity: 200, available: 50 },
    });
  });
});

describe('memoryStore cooldowns', () => {
  it.each([
    { steps: [[0, 5_000]], at: 1_000, expected: 5_000 },
    { steps: [[0, 5_000]], at: 5_000, expected: 0 },
    // a later, shorter signal never shortens a cooldown
    {
      steps: [
        [0, 5_000],
        [1_000, 2_000],
      ],
      at: 3_000,
      expected: 5_000,
    },
    {
      steps: [
        [0, 5_000],
        [1_000, 9_000],
      ],
      at: 6_000,
      expected: 9_000,
    },
  ])('cooldown after $steps seen at $at is $expected', ({ steps, at, expected }) => {
    const store = memoryStore();
    for (const [now, until] of steps) store.setCooldown(KEY, until as number, now as number);
    expect(store.cooldownUntil(KEY, at)).toBe(expected);
  });

  it('setCooldown returns the effective deadline', () => {
    const store = memoryStore();
    expect(store.setCooldown(KEY, 5_000, 0)).toBe(5_000);
    expect(store.setCooldown(KEY, 2_000, 0)).toBe(5_000);
    expect(store.cooldownUntil('other/model', 0)).toBe(0);
  });
});
