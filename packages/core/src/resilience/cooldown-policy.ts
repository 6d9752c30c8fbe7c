import type { FailureClass } from '../failure.js';
import type { RateLimitSnapshot } from '../types.js';

export type CooldownOptions = {
  /** First step of the exponential backoff used when a 429 says nothing about when to come back. */
  defaultMs: number;
  /** Cap of that backoff. */
  maxMs: number;
  /** How long a quota (billing, spend limit) failure keeps a model out. */
  quotaMs: number;
};

export const COOLDOWN_DEFAULTS: CooldownOptions = { defaultMs: 1_000, maxMs: 60_000, quotaMs: 3_600_000 };

/** What a failed call told us about when to come back. */
export type CooldownSignal = { retryAfterMs?: number; rateLimit?: RateLimitSnapshot };

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

/**
 * How long to cool a model down after `failure`, or undefined when the failure calls for none.
 * rate_limit: Retry-After, else the reset of the exhausted window, else 1 s, 2 s, 4 s … (`streak` is the
 * number of such 429s in a row, from 1) up to `maxMs`. quota: `quotaMs`, or Retry-After if longer.
 */
export function cooldownMs(
  failure: FailureClass,
  signal: CooldownSignal,
  streak: number,
  options: CooldownOptions,
): number | undefined {
  const retryAfterMs = signal.retryAfterMs ?? signal.rateLimit?.retryAfterMs;
  if (failure === 'quota') return Math.max(options.quotaMs, retryAfterMs ?? 0);
  if (failure !== 'rate_limit') return undefined;
  if (retryAfterMs !== undefined) return retryAfterMs;
  const resetMs = exhaustedResetMs(signal.rateLimit);
  if (resetMs !== undefined) return resetMs;
  return Math.min(options.maxMs, options.defaultMs * 2 ** Math.max(0, streak - 1));
}
