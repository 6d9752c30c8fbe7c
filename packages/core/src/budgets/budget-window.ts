import type { BudgetWindow } from './budget-options.js';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** One window of a budget: spend counts from `start` (inclusive) to `end` (exclusive), clock ms. */
export type WindowSpan = { start: number; end: number };

/**
 * The window `now` falls in. Fixed windows, not sliding: a budget is an invoice line ("$25 a day"),
 * so it starts over at a time the caller can name. Units align to UTC (a day starts at 00:00 UTC, a
 * month on the 1st); a window in milliseconds aligns to multiples of itself since the epoch, so every
 * process computes the same window without talking to the others.
 */
export function windowAt(window: BudgetWindow, now: number): WindowSpan {
  if (window === 'month') {
    const date = new Date(now);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
  }
  const length = typeof window === 'number' ? window : UNIT_MS[window];
  const start = Math.floor(now / length) * length;
  return { start, end: start + length };
}
