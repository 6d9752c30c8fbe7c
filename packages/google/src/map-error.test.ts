import { ApiError } from '@google/genai';
import { ProviderError } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { type ErrorContext, mapError } from './map-error.js';

const NOW = Date.parse('2026-01-15T20:00:00Z'); // 12:00 PST: 12 hours to midnight Pacific
const context = (overrides: Partial<ErrorContext> = {}): ErrorContext => ({
  provider: 'google',
  model: 'gemini-2.5-flash',
  signal: new AbortController().signal,
  phase: 'request',
  now: () => NOW,
  ...overrides,
});

// The SDK's own error: the status, and the JSON body as the message.
const apiError = (status: number, error: Record<string, unknown>) =>
  new ApiError({ status, message: JSON.stringify({ error: { code: status, ...error } }) });
const quotaFailure = (quotaId: string, quotaValue = '1000') => ({
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
  violations: [{ quotaMetric: 'generativelanguage.googleapis.com/x', quotaId, quotaValue }],
});
const retryInfo = (retryDelay: string) => ({
  '@type': 'type.googleapis.com/google.rpc.RetryInfo',
  retryDelay,
});

function mapped(error: unknown, overrides: Partial<ErrorContext> = {}): ProviderError {
  const result = mapError(error, context(overrides));
  if (!ProviderError.isInstance(result)) throw new Error('expected a ProviderError');
  return result;
}

describe('mapError', () => {
  it('per-minute quota: rate_limit for the retry delay, with the limit it names', () => {
    const error = mapped(
      apiError(429, {
        status: 'RESOURCE_EXHAUSTED',
        details: [
          quotaFailure('GenerateContentInputTokensPerModelPerMinute-FreeTier', '250000'),
          retryInfo('26.5s'),
        ],
      }),
    );
    expect(error).toMatchObject({ failure: 'rate_limit', status: 429, retryAfterMs: 26_500 });
    expect(error.rateLimit).toEqual({
      inputTokens: { limit: 250_000, remaining: 0, windowMs: 60_000, resetMs: 26_500 },
      retryAfterMs: 26_500,
    });
  });

  it('per-day quota: quota until midnight Pacific, whatever the retry delay says', () => {
    const error = mapped(
      apiError(429, {
        status: 'RESOURCE_EXHAUSTED',
        details: [quotaFailure('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '250'), retryInfo('40s')],
      }),
    );
    expect(error).toMatchObject({ failure: 'quota', retryAfterMs: 12 * 3_600_000 });
  });

  it('a quota of 0 (model not on this tier) is quota; a bare RESOURCE_EXHAUSTED is rate_limit', () => {
    const zero = apiError(429, {
      details: [quotaFailure('GenerateRequestsPerMinutePerProjectPerModel', '0')],
    });
    expect(mapped(zero).failure).toBe('quota');
    const bare = mapped(
      apiError(429, { status: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted' }),
    );
    expect(bare.failure).toBe('rate_limit');
    expect(bare.retryAfterMs).toBeUndefined();
  });

  it('reads status and body, never the class', () => {
    const invalidKey = apiError(400, {
      status: 'INVALID_ARGUMENT',
      message: 'API key not valid. Please pass a valid API key.',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
    });
    expect(mapped(invalidKey).failure).toBe('auth');
    // The same shape from another copy of the SDK: a plain Error with a status.
    const copy = Object.assign(new Error(invalidKey.message), { status: 400 });
    expect(mapped(copy).failure).toBe('auth');
    const region = apiError(400, {
      status: 'FAILED_PRECONDITION',
      message: 'User location is not supported',
    });
    expect(mapped(region).failure).toBe('auth');
    const tooLong = apiError(400, {
      status: 'INVALID_ARGUMENT',
      message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
    });
    expect(mapped(tooLong).failure).toBe('context_length');
    expect(mapped(apiError(400, { status: 'INVALID_ARGUMENT', message: 'bad' })).failure).toBe(
      'invalid_request',
    );
    expect(mapped(apiError(403, { status: 'PERMISSION_DENIED' })).failure).toBe('auth');
    expect(mapped(apiError(404, { status: 'NOT_FOUND' })).failure).toBe('not_found');
    expect(mapped(apiError(500, { status: 'INTERNAL' })).failure).toBe('server');
    expect(mapped(apiError(503, { status: 'UNAVAILABLE' })).failure).toBe('overloaded');
    expect(mapped(apiError(504, { status: 'DEADLINE_EXCEEDED' })).failure).toBe('server');
  });

  it('an error chunk mid-stream is classified by its code, not as a cut', () => {
    const body = { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } };
    const inBand = new ApiError({ status: 503, message: `got status: UNAVAILABLE. ${JSON.stringify(body)}` });
    expect(mapped(inBand, { phase: 'stream' }).failure).toBe('overloaded');
  });

  it('transport failures: timeout, connection, cut stream, malformed body; caller faults are invalid_request', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(mapped(abort).failure).toBe('timeout');
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(mapped(reset).failure).toBe('connection');
    expect(mapped(new TypeError('terminated'), { phase: 'stream' }).failure).toBe('stream_cut');
    expect(mapped(new SyntaxError('Unexpected end of JSON input')).failure).toBe('server');
    expect(mapped(new TypeError('Converting circular structure to JSON')).failure).toBe('invalid_request');
  });

  it("the caller's abort rejects with the signal's reason", () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    expect(mapError(new DOMException('aborted', 'AbortError'), context({ signal: controller.signal }))).toBe(
      reason,
    );
  });

  it('never keeps a key in the message or the cause', () => {
    const key = `AIzaSy${'k'.repeat(33)}`;
    const error = mapped(apiError(400, { status: 'INVALID_ARGUMENT', message: `key ${key} is invalid` }));
    expect(error.message).not.toContain(key);
    expect(error.cause).toBeUndefined();
  });
});
