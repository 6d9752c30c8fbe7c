import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders } from './parse-rate-limit-headers.js';

describe('parseRateLimitHeaders', () => {
  it('reads OpenAI headers as per-minute windows', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '5000',
      'x-ratelimit-remaining-requests': '4999',
      'x-ratelimit-reset-requests': '12ms',
      'x-ratelimit-limit-tokens': '160000',
      'x-ratelimit-remaining-tokens': '159976',
      'x-ratelimit-reset-tokens': '6m0s',
    });
    expect(parseRateLimitHeaders(headers, { requestsWindowMs: 60_000 })).toEqual({
      requests: { limit: 5000, remaining: 4999, resetMs: 12, windowMs: 60_000 },
      tokens: { limit: 160000, remaining: 159976, resetMs: 360_000, windowMs: 60_000 },
    });
  });

  it('reads Groq requests as a daily window, with retry-after', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '14400',
      'x-ratelimit-remaining-requests': '14370',
      'x-ratelimit-reset-requests': '2m59.56s',
      'x-ratelimit-remaining-tokens': '17997',
      'retry-after': '2',
    });
    expect(parseRateLimitHeaders(headers, { requestsWindowMs: 86_400_000 })).toEqual({
      requests: { limit: 14400, remaining: 14370, resetMs: 179_560, windowMs: 86_400_000 },
      tokens: { remaining: 17997, windowMs: 60_000 },
      retryAfterMs: 2000,
    });
  });

  it('is undefined when no limit header is present', () => {
    expect(
      parseRateLimitHeaders(new Headers({ 'x-request-id': 'r' }), { requestsWindowMs: 60_000 }),
    ).toBeUndefined();
    expect(parseRateLimitHeaders(undefined, { requestsWindowMs: 60_000 })).toBeUndefined();
  });
});
