import { describe, expect, it } from 'vitest';
import { LearningWindow, statesRequestLimit } from './learning-window.js';

const OPTIONS = { initialInFlight: 2, maxInFlight: 4 };
const NO_REQUEST_LIMIT = { tokens: { limit: 6_000, remaining: 5_900 } };
const PER_DAY = { requests: { limit: 14_400, remaining: 14_399, windowMs: 86_400_000 } };
const PER_MINUTE = { requests: { limit: 30, remaining: 29 } };

/** Held back once, then a success: what one call's answer under pressure does to the window. */
function successUnderPressure(window: LearningWindow): number {
  window.held();
  window.succeeded();
  return window.limit();
}

describe('LearningWindow', () => {
  it('a stated per-minute request limit counts; per-day and token-only headers do not', () => {
    expect(statesRequestLimit(PER_MINUTE)).toBe(true);
    expect(statesRequestLimit({ requests: { limit: 5, windowMs: 1_000 } })).toBe(true);
    expect(statesRequestLimit(PER_DAY)).toBe(false);
    expect(statesRequestLimit(NO_REQUEST_LIMIT)).toBe(false);
    expect(statesRequestLimit({ requests: { remaining: 3 } })).toBe(false);
    expect(statesRequestLimit(undefined)).toBe(false);
  });

  it('probes with initialInFlight, then opens when an answer states the request limit', () => {
    const window = new LearningWindow(OPTIONS);
    expect([window.phase, window.limit()]).toEqual(['probe', 2]);
    window.answered(PER_MINUTE);
    expect([window.phase, window.limit()]).toEqual(['open', Number.POSITIVE_INFINITY]);
    window.rateLimited(window.epoch);
    expect(window.limit()).toBe(Number.POSITIVE_INFINITY);
  });

  it('without a stated request limit: grows by 1/window per success under pressure, up to the cap', () => {
    const window = new LearningWindow(OPTIONS);
    window.answered(PER_DAY);
    expect([window.phase, window.limit()]).toEqual(['window', 2]);
    // Successes while nothing was held back say nothing about the limit: no growth.
    window.succeeded();
    window.succeeded();
    expect(window.limit()).toBe(2);
    // 2 → 2.5 → 2.9 → 3.24 → 3.55 → 3.83 → 4.09 (capped at 4)
    const limits = Array.from({ length: 7 }, () => successUnderPressure(window));
    expect(limits).toEqual([2, 2, 3, 3, 3, 4, 4]);
    expect(Array.from({ length: 20 }, () => successUnderPressure(window)).at(-1)).toBe(4);
  });

  it('halves on a 429 once per epoch, never below 1, then grows again; a later stated limit opens it', () => {
    const window = new LearningWindow({ initialInFlight: 4, maxInFlight: 8 });
    window.answered(undefined);
    const sentBefore = window.epoch;
    window.rateLimited(sentBefore);
    expect(window.limit()).toBe(2);
    // The other calls that were in flight with the first 429 do not halve it again.
    window.rateLimited(sentBefore);
    window.rateLimited(sentBefore);
    expect(window.limit()).toBe(2);
    window.rateLimited(window.epoch);
    expect(window.limit()).toBe(1);
    window.rateLimited(window.epoch);
    expect(window.limit()).toBe(1);
    expect([successUnderPressure(window), successUnderPressure(window)]).toEqual([2, 2]);
    window.answered({ requests: { limit: 30, remaining: 0 } });
    expect(window.phase).toBe('open');
  });

  it('a 429 as the first answer, stating no limit, starts the window halved', () => {
    const window = new LearningWindow(OPTIONS);
    const sent = window.epoch;
    window.answered(undefined);
    window.rateLimited(sent);
    expect([window.phase, window.limit()]).toEqual(['window', 1]);
  });
});
