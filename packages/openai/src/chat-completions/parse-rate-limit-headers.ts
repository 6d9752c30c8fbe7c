import {
  type HeaderReader,
  parseGoDuration,
  parseHeaderInteger,
  parseRetryAfter,
  type RateLimitSnapshot,
  type RateLimitWindow,
} from '@llm-router/core';

export type RateLimitHeaderOptions = {
  /** The window `x-ratelimit-*-requests` describes: a minute at OpenAI, a day at Groq. */
  requestsWindowMs: number;
  now?: number;
};

const MINUTE_MS = 60_000;

/**
 * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (resets as Go durations) plus retry-after →
 * a snapshot. Undefined when the response carried none of them (e.g. a bare 429).
 */
export function parseRateLimitHeaders(
  headers: HeaderReader | undefined,
  options: RateLimitHeaderOptions,
): RateLimitSnapshot | undefined {
  if (!headers) return undefined;
  const snapshot: RateLimitSnapshot = {};
  const requests = readWindow(headers, 'requests', options.requestsWindowMs);
  if (requests) snapshot.requests = requests;
  const tokens = readWindow(headers, 'tokens', MINUTE_MS);
  if (tokens) snapshot.tokens = tokens;
  const retryAfterMs = parseRetryAfter(headers, options.now);
  if (retryAfterMs !== undefined) snapshot.retryAfterMs = retryAfterMs;
  return Object.keys(snapshot).length > 0 ? snapshot : undefined;
}

function readWindow(headers: HeaderReader, name: string, windowMs: number): RateLimitWindow | undefined {
  const limit = parseHeaderInteger(headers.get(`x-ratelimit-limit-${name}`));
  const remaining = parseHeaderInteger(headers.get(`x-ratelimit-remaining-${name}`));
  const resetMs = parseGoDuration(headers.get(`x-ratelimit-reset-${name}`));
  if (limit === undefined && remaining === undefined && resetMs === undefined) return undefined;
  const window: RateLimitWindow = { windowMs };
  if (limit !== undefined) window.limit = limit;
  if (remaining !== undefined) window.remaining = remaining;
  if (resetMs !== undefined) window.resetMs = resetMs;
  return window;
}
