import { describe, expect, it } from 'vitest';
import { COOLDOWN_DEFAULTS, cooldownMs } from './cooldown-policy.js';

const options = { ...COOLDOWN_DEFAULTS, maxMs: 5_000 };

describe('cooldownMs', () => {
  it.each([
    {
      case: 'Retry-After wins',
      failure: 'rate_limit',
      signal: { retryAfterMs: 3_000 },
      streak: 3,
      ms: 3_000,
    },
    {
      case: 'Retry-After is capped at maxMs (issue 14, defect 1)',
      failure: 'rate_limit',
      signal: { retryAfterMs: 1_000_000_000_000 },
      streak: 1,
      ms: 5_000,
    },
    {
      case: 'a negative Retry-After reads as missing, not as 0 ms',
      failure: 'rate_limit',
      signal: { retryAfterMs: -5_000 },
      streak: 2,
      ms: 2_000,
    },
    {
      case: 'a NaN Retry-After reads as missing',
      failure: 'rate_limit',
      signal: { retryAfterMs: Number.NaN },
      streak: 1,
      ms: 1_000,
    },
    {
      case: 'an exhausted window resetting in a day is capped at maxMs',
      failure: 'rate_limit',
      signal: { rateLimit: { requests: { remaining: 0, resetMs: 86_400_000 } } },
      streak: 1,
      ms: 5_000,
    },
    {
      case: 'Retry-After from the snapshot',
      failure: 'rate_limit',
      signal: { rateLimit: { retryAfterMs: 2_500 } },
      streak: 1,
      ms: 2_500,
    },
    {
      case: 'else the reset of the exhausted window',
      failure: 'rate_limit',
      signal: {
        rateLimit: {
          requests: { remaining: 10, resetMs: 60_000 },
          tokens: { remaining: 0, resetMs: 4_000 },
        },
      },
      streak: 1,
      ms: 4_000,
    },
    { case: 'else backoff, first', failure: 'rate_limit', signal: {}, streak: 1, ms: 1_000 },
    { case: 'else backoff, second', failure: 'rate_limit', signal: {}, streak: 2, ms: 2_000 },
    { case: 'else backoff, third', failure: 'rate_limit', signal: {}, streak: 3, ms: 4_000 },
    { case: 'backoff capped at maxMs', failure: 'rate_limit', signal: {}, streak: 9, ms: 5_000 },
    { case: 'quota is long', failure: 'quota', signal: { retryAfterMs: 10 }, streak: 1, ms: 3_600_000 },
    {
      case: 'quota lasts until it renews when that is later',
      failure: 'quota',
      signal: { retryAfterMs: 7_200_000 },
      streak: 1,
      ms: 7_200_000,
    },
    {
      case: 'quota: up to the longest Pacific day (25 h, when daylight saving ends)',
      failure: 'quota',
      signal: { retryAfterMs: 24.5 * 3_600_000 },
      streak: 1,
      ms: 24.5 * 3_600_000,
    },
    {
      case: 'quota: at most 25 hours',
      failure: 'quota',
      signal: { retryAfterMs: 1e12 },
      streak: 1,
      ms: 25 * 3_600_000,
    },
    { case: 'server errors go to the breaker', failure: 'server', signal: {}, streak: 1, ms: undefined },
  ] as const)('$case', ({ failure, signal, streak, ms }) => {
    expect(cooldownMs(failure, signal, streak, options)).toBe(ms);
  });
});
