import type { RateLimitSnapshot, RateLimitWindow } from '@llm-router/core';

/** Anything with a Fetch-style `get` (a `Headers`, or the SDK's `err.headers`). */
export type HeaderSource = { get(name: string): string | null };

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
  headers: HeaderSource | null | undefined,
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

function parseWindow(headers: HeaderSource, prefix: string, now: number): RateLimitWindow | undefined {
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

/**
 * `retry-after-ms` (milliseconds, read first, as the SDKs do), else `retry-after` as seconds or an
 * HTTP date. Clamped to be >= 0; unparseable values are ignored.
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const milliseconds = parseNumber(headers.get('retry-after-ms'));
  if (milliseconds !== undefined) return Math.max(0, milliseconds);
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = parseNumber(value);
  if (seconds !== undefined) return Math.max(0, seconds * 1000);
  const date = parseDate(value);
  return date === undefined ? undefined : Math.max(0, date - now);
}

function parseNumber(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function parseCount(value: string | null): number | undefined {
  const parsed = parseNumber(value);
  return parsed !== undefined && parsed >= 0 ? parsed : undefined;
}

function parseDate(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}
