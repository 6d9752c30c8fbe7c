import {
  type HeaderReader,
  parseGoDuration,
  parseHeaderInteger,
  parseRetryAfter,
} from '../adapter/rate-limit-headers.js';
import type { RateLimitSnapshot, RateLimitWindow } from '../types.js';

export type RateLimitHeaderOptions = {
  /** The window `x-ratelimit-*-requests` describes: a minute at OpenAI, a day at Groq. */
  requestsWindowMs: number;
  now?: number;
};

const MINUTE_MS = 60_000;
const REQUESTS = headerNames('requests');
const TOKENS = headerNames('tokens');

function headerNames(name: string) {
  return {
    limit: `x-ratelimit-limit-${name}`,
    remaining: `x-ratelimit-remaining-${name}`,
    reset: `x-ratelimit-reset-${name}`,
  };
}

/**
 * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (resets as Go durations) plus retry-after →
 * a snapshot. Undefined when the response carried none of them (e.g. a bare 429).
 */
export function parseRateLimitHeaders(
  headers: HeaderReader | undefined,
  options: RateLimitHeaderOptions,
): RateLimitSnapshot | undefined {
  if (!headers) return undefined;
  const requests = readWindow(headers, REQUESTS, options.requestsWindowMs);
  const tokens = readWindow(headers, TOKENS, MINUTE_MS);
  const retryAfterMs = parseRetryAfter(headers, options.now);
  if (!requests && !tokens && retryAfterMs === undefined) return undefined;
  const snapshot: RateLimitSnapshot = {};
  if (requests) snapshot.requests = requests;
  if (tokens) snapshot.tokens = tokens;
  if (retryAfterMs !== undefined) snapshot.retryAfterMs = retryAfterMs;
  return snapshot;
}

function readWindow(
  headers: HeaderReader,
  names: typeof REQUESTS,
  windowMs: number,
): RateLimitWindow | undefined {
  const limit = parseHeaderInteger(headers.get(names.limit));
  const remaining = parseHeaderInteger(headers.get(names.remaining));
  const resetMs = parseGoDuration(headers.get(names.reset));
  if (limit === undefined && remaining === undefined && resetMs === undefined) return undefined;
  const window: RateLimitWindow = { windowMs };
  if (limit !== undefined) window.limit = limit;
  if (remaining !== undefined) window.remaining = remaining;
  if (resetMs !== undefined) window.resetMs = resetMs;
  return window;
}
