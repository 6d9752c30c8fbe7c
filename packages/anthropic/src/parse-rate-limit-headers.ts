import type { RateLimitSnapshot, RateLimitWindow } from '@spillway/core';
import { type HeaderReader, parseHeaderInteger, parseRetryAfter } from '@spillway/core/adapter';

// Anthropic's limits are per minute; each reports limit, remaining and an RFC 3339 time of full refill.
const WINDOW_MS = 60_000;
const WINDOWS = [
  ['requests', 'requests'],
  ['tokens', 'tokens'],
  ['inputTokens', 'input-tokens'],
  ['outputTokens', 'output-tokens'],
] as const;

/**
 * Reads `anthropic-ratelimit-*` and `retry-after` headers into a snapshot. Resets become durations
 * relative to `now` (the server's timestamps are wall-clock time). Returns undefined when the response
 * carried no rate-limit information at all.
 */
export function parseRateLimitHeaders(
  headers: HeaderReader | null | undefined,
  now: number = Date.now(),
): RateLimitSnapshot | undefined {
  if (!headers) return undefined;
  const snapshot: RateLimitSnapshot = {};
  let found = false;
  for (const [key, name] of WINDOWS) {
    const window = parseWindow(headers, `anthropic-ratelimit-${name}`, now);
    if (window) {
      snapshot[key] = window;
      found = true;
    }
  }
  const retryAfterMs = parseRetryAfter(headers, now);
  if (retryAfterMs !== undefined) {
    snapshot.retryAfterMs = retryAfterMs;
    found = true;
  }
  return found ? snapshot : undefined;
}

function parseWindow(headers: HeaderReader, prefix: string, now: number): RateLimitWindow | undefined {
  const limit = parseCount(headers.get(`${prefix}-limit`));
  const remaining = parseCount(headers.get(`${prefix}-remaining`));
  const resetAt = parseDate(headers.get(`${prefix}-reset`));
  if (limit === undefined && remaining === undefined && resetAt === undefined) return undefined;
  const window: RateLimitWindow = { windowMs: WINDOW_MS };
  if (limit !== undefined) window.limit = limit;
  if (remaining !== undefined) window.remaining = remaining;
  if (resetAt !== undefined) window.resetMs = Math.max(0, resetAt - now);
  return window;
}

function parseCount(value: string | null | undefined): number | undefined {
  const parsed = parseHeaderInteger(value);
  return parsed !== undefined && parsed >= 0 ? parsed : undefined;
}

function parseDate(value: string | null | undefined): number | undefined {
  if (!value || value.trim() === '') return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}
