import { type FailureClass, failurePolicy } from '../failure.js';
import type { RateLimitSnapshot } from '../types.js';

export type CooldownOptions = {
  /** First step of the exponential backoff used when a 429 says nothing about when to come back. */
  defaultMs: number;
  /** The longest a rate limit cools a model down, whatever Retry-After or a reset header says. */
  maxMs: number;
  /** How long a quota (billing, spend limit) failure keeps a model out. */
  quotaMs: number;
};

export const COOLDOWN_DEFAULTS: CooldownOptions = { defaultMs: 1_000, maxMs: 60_000, quotaMs: 3_600_000 };

/** What a failed call told us about when to come back. */
export type CooldownSignal = { retryAfterMs?: number; rateLimit?: RateLimitSnapshot };

/**
 * The longest a quota keeps a model out, whatever its Retry-After says: a daily quota renews by then.
 * 25 hours, not 24: Gemini's quota day is Pacific time, and the day daylight saving ends lasts 25.
 */
export const QUOTA_MAX_MS = 25 * 3_600_000;

const WINDOWS = ['requests', 'tokens', 'inputTokens', 'outputTokens'] as const;

/** The longest reset among the windows the provider reported as used up, if any. */
export function exhaustedResetMs(snapshot: RateLimitSnapshot | undefined): number | undefined {
  if (!snapshot) return undefined;
  let longest: number | undefined;
  for (const name of WINDOWS) {
    const window = snapshot[name];
    if (window?.remaining === undefined || window.remaining > 0 || window.resetMs === undefined) continue;
    if (longest === undefined || window.resetMs > longest) longest = window.resetMs;
  }
  return longest;
}

/** A usable Retry-After: positive and finite. Negative, zero, NaN or missing all read as "not said". */
export function usableRetryAfter(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 && ms < Number.POSITIVE_INFINITY ? ms : undefined;
}

/**
 * How long to cool a model down after `failure` (the failure table's `cooldown`), or undefined when
 * the failure calls for none. rate_limit: Retry-After, else the reset of the exhausted window, else
 * 1 s, 2 s, 4 s … (`streak` is the number of such 429s in a row, from 1); always capped at `maxMs`,
 * so a header saying "come back in 30 years" costs at most that. quota: `quotaMs`, or the quota's
 * own renewal time when later, at most a day.
 */
export function cooldownMs(
  failure: FailureClass,
  signal: CooldownSignal,
  streak: number,
  options: CooldownOptions,
): number | undefined {
  const kind = failurePolicy(failure).cooldown;
  if (kind === 'quota') {
    // A quota says when it renews (Gemini's per-day quota: midnight Pacific); at most a day.
    const renews = usableRetryAfter(signal.retryAfterMs) ?? usableRetryAfter(signal.rateLimit?.retryAfterMs);
    return Math.max(options.quotaMs, Math.min(renews ?? 0, QUOTA_MAX_MS));
  }
  if (kind !== 'rate_limit') return undefined;
  const asked =
    usableRetryAfter(signal.retryAfterMs) ??
    usableRetryAfter(signal.rateLimit?.retryAfterMs) ??
    usableRetryAfter(exhaustedResetMs(signal.rateLimit)) ??
    options.defaultMs * 2 ** Math.max(0, streak - 1);
  return Math.min(options.maxMs, asked);
}
