import { describe, expect, it } from 'vitest';
import { COOLDOWN_DEFAULTS, cooldownMs } from './cooldown-policy.js';

const options = { ...COOLDOWN_DEFAULTS, maxMs: 5_000 };

describe('cooldownMs', () => {
  it.each([
    {
      case: 'Retry-After wins',
      failure: 'rate_limit',
      signal: { retryAfterMs: 7_000 },
      streak: 3,
      ms: 7_000,
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
          tokens: { remaining: 0, resetMs: 6_000 },
        },
      },
      streak: 1,
      ms: 6_000,
    },
    { case: 'else backoff, first', failure: 'rate_limit', signal: {}, streak: 1, ms: 1_000 },
    { case: 'else backoff, second', failure: 'rate_limit', signal: {}, streak: 2, ms: 2_000 },
    { case: 'else backoff, third', failure: 'rate_limit', signal: {}, streak: 3, ms: 4_000 },
    { case: 'backoff capped at maxMs', failure: 'rate_limit', signal: {}, streak: 9, ms: 5_000 },
    { case: 'quota is long', failure: 'quota', signal: { retryAfterMs: 10 }, streak: 1, ms: 3_600_000 },
    { case: 'server errors go to the breaker', failure: 'server', signal: {}, streak: 1, ms: undefined },
  ] as const)('$case', ({ failure, signal, streak, ms }) => {
    expect(cooldownMs(failure, signal, streak, options)).toBe(ms);
  });
});
