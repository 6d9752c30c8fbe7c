import type { RateLimitSnapshot, RateLimitWindow } from '@spillway/core';
import { msUntilPacificMidnight } from './pacific-midnight.js';

/** The `error` object of a Gemini error body (google.rpc.Status). */
export type GoogleStatus = { code?: number; message?: string; status?: string; details?: unknown[] };

type Violation = { quotaId?: unknown; quotaMetric?: unknown; quotaValue?: unknown };

export type QuotaReading = {
  failure: 'rate_limit' | 'quota';
  retryAfterMs?: number;
  rateLimit?: RateLimitSnapshot;
};

const TYPE = '@type';
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const MINUTE_MS = 60_000;

/**
 * Reads a 429 RESOURCE_EXHAUSTED body. Gemini sends no rate-limit headers; the body says which quota
 * ran out (`QuotaFailure.violations[].quotaId`) and how long to wait (`RetryInfo.retryDelay`):
 * - a per-day quota is `quota` until the next midnight Pacific, when Google resets it;
 * - a quota of 0 (the model is not offered on this tier) is `quota`, for the router's long cooldown;
 * - anything else (per-minute requests or input tokens, or no detail at all) is `rate_limit` for
 *   `retryDelay`. A per-minute violation's `quotaValue` is the real limit, reported as the snapshot.
 */
export function readQuotaFailure(status: GoogleStatus | undefined, now: number): QuotaReading {
  const details = Array.isArray(status?.details) ? status.details : [];
  const violations: Violation[] = [];
  let retryAfterMs: number | undefined;
  for (const detail of details) {
    if (typeof detail !== 'object' || detail === null) continue;
    const record = detail as Record<string, unknown>;
    if (record[TYPE] === QUOTA_FAILURE && Array.isArray(record.violations))
      violations.push(...record.violations);
    if (record[TYPE] === RETRY_INFO) retryAfterMs = parseDuration(record.retryDelay);
  }
  const ids = violations.map((violation) => String(violation.quotaId ?? violation.quotaMetric ?? ''));
  if (ids.some((id) => /PerDay|per_day/i.test(id)))
    return { failure: 'quota', retryAfterMs: msUntilPacificMidnight(now) };
  if (violations.some((violation) => String(violation.quotaValue) === '0')) return { failure: 'quota' };
  const reading: QuotaReading = { failure: 'rate_limit' };
  if (retryAfterMs !== undefined) reading.retryAfterMs = retryAfterMs;
  const snapshot = minuteSnapshot(violations, retryAfterMs);
  if (snapshot) reading.rateLimit = snapshot;
  return reading;
}

function minuteSnapshot(
  violations: Violation[],
  retryAfterMs: number | undefined,
): RateLimitSnapshot | undefined {
  const snapshot: RateLimitSnapshot = {};
  for (const violation of violations) {
    const id = String(violation.quotaId ?? '');
    const limit = Number(violation.quotaValue);
    if (!/PerMinute/i.test(id) || !(limit > 0)) continue;
    const window: RateLimitWindow = { limit, remaining: 0, windowMs: MINUTE_MS };
    if (retryAfterMs !== undefined) window.resetMs = retryAfterMs;
    // Gemini's token quotas count input tokens only.
    if (/Token/i.test(id)) snapshot.inputTokens = window;
    else snapshot.requests = window;
  }
  if (retryAfterMs !== undefined) snapshot.retryAfterMs = retryAfterMs;
  return Object.keys(snapshot).length > 0 ? snapshot : undefined;
}

/** A protobuf Duration in JSON ("26s", "1.5s", "0.250s") → ms; anything else → undefined. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string' || !value.endsWith('s')) return undefined;
  const seconds = Number(value.slice(0, -1));
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}
