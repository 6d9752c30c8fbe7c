import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders } from './parse-rate-limit-headers.js';

const NOW = Date.parse('2025-02-24T22:25:30Z');

describe('parseRateLimitHeaders', () => {
  it('reads every window with RFC 3339 resets relative to now', () => {
    const headers = new Headers({
      'anthropic-ratelimit-requests-limit': '1000',
      'anthropic-ratelimit-requests-remaining': '999',
      'anthropic-ratelimit-requests-reset': '2025-02-24T22:25:30Z',
      'anthropic-ratelimit-tokens-limit': '96000',
      'anthropic-ratelimit-tokens-remaining': '90000',
      'anthropic-ratelimit-tokens-reset': '2025-02-24T22:25:32Z',
      'anthropic-ratelimit-input-tokens-limit': '80000',
      'anthropic-ratelimit-input-tokens-remaining': '78000',
      'anthropic-ratelimit-input-tokens-reset': '2025-02-24T22:25:32.500Z',
      'anthropic-ratelimit-output-tokens-limit': '16000',
      'anthropic-ratelimit-output-tokens-remaining': '12000',
      'anthropic-ratelimit-output-tokens-reset': '2025-02-24T22:25:47Z',
      'retry-after-ms': '7000.5',
      'retry-after': '9',
    });
    expect(parseRateLimitHeaders(headers, NOW)).toEqual({
      requests: { limit: 1000, remaining: 999, resetMs: 0, windowMs: 60_000 },
      tokens: { limit: 96000, remaining: 90000, resetMs: 2000, windowMs: 60_000 },
      inputTokens: { limit: 80000, remaining: 78000, resetMs: 2500, windowMs: 60_000 },
      outputTokens: { limit: 16000, remaining: 12000, resetMs: 17_000, windowMs: 60_000 },
      retryAfterMs: 7000.5,
    });
  });

  it('clamps resets in the past to zero and skips unparseable values', () => {
    const headers = new Headers({
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2025-02-24T22:25:00Z',
      'anthropic-ratelimit-tokens-limit': 'lots',
      'anthropic-ratelimit-tokens-reset': 'soon',
    });
    expect(parseRateLimitHeaders(headers, NOW)).toEqual({
      requests: { remaining: 0, resetMs: 0, windowMs: 60_000 },
    });
  });

  it('returns undefined when there is nothing to report', () => {
    expect(parseRateLimitHeaders(new Headers({ 'content-type': 'application/json' }), NOW)).toBeUndefined();
    expect(parseRateLimitHeaders(undefined, NOW)).toBeUndefined();
  });
});
