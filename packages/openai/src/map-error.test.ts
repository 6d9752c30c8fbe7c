import { createRequire } from 'node:module';
import { registerSecret } from '@spillway/core';
import { describeSdkError, toProviderError } from '@spillway/core/chat-completions';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

const live = new AbortController().signal;

function classify(error: unknown, midStream = false) {
  const facts = describeSdkError(error, live, midStream);
  if (facts === 'abort') throw new Error('unexpected abort');
  return toProviderError(facts, {
    provider: 'openai',
    model: 'gpt-x',
    requestsWindowMs: 60_000,
    cause: error,
  });
}

function statusError(status: number, error: object | undefined, headers: Record<string, string> = {}) {
  return OpenAI.APIError.generate(
    status,
    error === undefined ? undefined : { error },
    undefined,
    new Headers(headers),
  );
}

const rateLimitBody = {
  message: 'Rate limit reached for gpt-x on requests per min (RPM): Limit 3, Used 3, Requested 1.',
  type: 'requests',
  code: 'rate_limit_exceeded',
};

describe('OpenAI errors → failure classes', () => {
  it.each([
    ['429 requests', statusError(429, rateLimitBody), 'rate_limit'],
    [
      '429 tokens',
      statusError(429, { message: 'Rate limit reached', type: 'tokens', code: 'rate_limit_exceeded' }),
      'rate_limit',
    ],
    ['429 no body', statusError(429, undefined), 'rate_limit'],
    [
      '429 quota (legacy code)',
      statusError(429, {
        message: 'You exceeded your current quota',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      }),
      'quota',
    ],
    [
      '429 quota (2026 code)',
      statusError(429, {
        message: 'spend limit',
        type: 'insufficient_quota',
        code: 'project_spend_limit_exceeded',
      }),
      'quota',
    ],
    ['429 x-should-retry: false', statusError(429, rateLimitBody, { 'x-should-retry': 'false' }), 'quota'],
    [
      '429 request too large',
      statusError(429, {
        message:
          'Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 34307.',
        type: 'tokens',
        code: 'rate_limit_exceeded',
      }),
      'too_large',
    ],
    [
      '413 request too large',
      statusError(
        413,
        {
          message: 'Request too large for model on tokens per minute (TPM): Limit 8000, Requested 9000',
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
        { 'x-should-retry': 'false' },
      ),
      'too_large',
    ],
    [
      '400 context length',
      statusError(400, {
        message: "This model's maximum context length is 128000 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      }),
      'context_length',
    ],
    [
      '400 context window wording',
      statusError(400, {
        message: 'Your input exceeds the context window of this model.',
        type: 'invalid_request_error',
      }),
      'context_length',
    ],
    [
      '400 invalid',
      statusError(400, {
        message: "Invalid value for 'temperature'",
        type: 'invalid_request_error',
        code: null,
      }),
      'invalid_request',
    ],
    ['422', statusError(422, { message: 'bad', type: 'invalid_request_error' }), 'invalid_request'],
    [
      '400 content policy',
      statusError(400, {
        message: 'flagged',
        type: 'invalid_request_error',
        code: 'content_policy_violation',
      }),
      'content_filter',
    ],
    [
      '401',
      statusError(401, {
        message: 'Incorrect API key provided',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      }),
      'auth',
    ],
    ['403', statusError(403, { message: 'Country not supported', type: 'request_forbidden' }), 'auth'],
    [
      '404',
      statusError(404, {
        message: 'The model `gpt-x` does not exist',
        type: 'invalid_request_error',
        code: 'model_not_found',
      }),
      'not_found',
    ],
    [
      '500',
      statusError(500, { message: 'The server had an error', type: 'server_error', code: null }),
      'server',
    ],
    [
      '502 html',
      OpenAI.APIError.generate(502, undefined, '502 <html>Bad Gateway</html>', new Headers()),
      'server',
    ],
    [
      '503',
      statusError(503, { message: 'The engine is currently overloaded', type: 'server_error' }),
      'overloaded',
    ],
    ['529', statusError(529, { message: 'Overloaded', type: 'overloaded_error' }), 'overloaded'],
    ['timeout', new OpenAI.APIConnectionTimeoutError(), 'timeout'],
    ['connection', new OpenAI.APIConnectionError({ message: 'Connection error.' }), 'connection'],
    ['malformed JSON', new SyntaxError('Unexpected token < in JSON'), 'server'],
  ])('%s → %s', (_label, error, failure) => {
    expect(classify(error).failure).toBe(failure);
  });

  it('classifies in-band stream errors, which have no status, from their body', () => {
    const inBand = (error: object) => new OpenAI.APIError(undefined, error, undefined, new Headers());
    expect(
      classify(inBand({ message: 'Rate limit', type: 'tokens', code: 'rate_limit_exceeded' }), true).failure,
    ).toBe('rate_limit');
    expect(classify(inBand({ message: 'quota', type: 'insufficient_quota' }), true).failure).toBe('quota');
    expect(
      classify(inBand({ message: 'The server is overloaded', type: 'server_error' }), true).failure,
    ).toBe('overloaded');
    expect(classify(inBand({ message: 'boom', type: 'server_error' }), true).failure).toBe('server');
  });

  it('classifies by status and body, not by class: errors of the CommonJS copy of the SDK alike', () => {
    // Under ESM this test imports the SDK's ESM build; require() loads its other (CommonJS) copy.
    const Other = createRequire(import.meta.url)('openai') as typeof OpenAI;
    expect(Other.APIError).not.toBe(OpenAI.APIError);
    const other = (status: number, error: object) =>
      Other.APIError.generate(status, { error }, undefined, new Headers({ 'retry-after': '2' }));
    expect(classify(other(401, { message: 'Incorrect API key', code: 'invalid_api_key' })).failure).toBe(
      'auth',
    );
    const limited = classify(other(429, rateLimitBody));
    expect(limited.failure).toBe('rate_limit');
    expect(limited.retryAfterMs).toBe(2000);
    expect(classify(other(400, { message: 'bad' })).failure).toBe('invalid_request');
    expect(classify(new Other.APIConnectionTimeoutError()).failure).toBe('timeout');
    expect(classify(new Other.APIConnectionError({ message: 'Connection error.' })).failure).toBe(
      'connection',
    );
    expect(describeSdkError(new Other.APIUserAbortError(), live, false)).toBe('abort');
    const inBand = new Other.APIError(
      undefined,
      { message: 'boom', type: 'server_error' },
      undefined,
      undefined,
    );
    expect(classify(inBand, true).failure).toBe('server');
  });

  it('books a body the SDK could not encode as invalid_request: nothing was sent', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const encodeError = (value: unknown) => {
      try {
        JSON.stringify(value);
      } catch (error) {
        return error;
      }
      throw new Error('expected JSON.stringify to throw');
    };
    expect(classify(encodeError(cycle)).failure).toBe('invalid_request');
    expect(classify(encodeError({ n: 1n })).failure).toBe('invalid_request');
  });

  it('treats a dropped connection mid-stream as a cut stream', () => {
    expect(classify(new TypeError('terminated'), true).failure).toBe('stream_cut');
    expect(classify(new TypeError('terminated'), false).failure).toBe('connection');
  });

  it('carries status, retry-after, the rate-limit snapshot and the request id', () => {
    const error = classify(
      statusError(429, rateLimitBody, {
        'retry-after': '3',
        'x-request-id': 'req_123',
        'x-ratelimit-limit-requests': '3',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '20s',
      }),
    );
    expect(error).toMatchObject({
      failure: 'rate_limit',
      status: 429,
      provider: 'openai',
      model: 'gpt-x',
      retryAfterMs: 3000,
      requestId: 'req_123',
      rateLimit: {
        requests: { limit: 3, remaining: 0, resetMs: 20_000, windowMs: 60_000 },
        retryAfterMs: 3000,
      },
    });
    expect(error.message).toBe('openai 429 (rate_limit): ' + rateLimitBody.message);
  });

  it('prefers retry-after-ms', () => {
    const error = classify(statusError(429, rateLimitBody, { 'retry-after-ms': '150', 'retry-after': '9' }));
    expect(error.retryAfterMs).toBe(150);
  });

  it('keeps API keys out of the message and the cause', () => {
    const key = 'sk-test-conformance-0123456789abcdef';
    registerSecret(key);
    const error = classify(
      statusError(401, { message: `Incorrect API key provided: ${key}.`, code: 'invalid_api_key' }),
    );
    expect(error.message).not.toContain(key);
    expect(String((error.cause as Error).message)).not.toContain(key);
    expect(JSON.stringify(error)).not.toContain(key);
  });

  it('reports an abort as such, not as a failure', () => {
    const controller = new AbortController();
    controller.abort();
    expect(describeSdkError(new OpenAI.APIUserAbortError(), live, false)).toBe('abort');
    expect(describeSdkError(new TypeError('terminated'), controller.signal, true)).toBe('abort');
  });

  it('learns the exhausted window from a 429 message, over a header for another window', () => {
    // Groq: the headers count requests per day, the 429 is about the minute.
    const message =
      'Rate limit reached for model `m` in organization `o` service tier `on_demand` on requests per minute (RPM): Limit 30, Used 30, Requested 1.';
    const error = toProviderError(
      {
        kind: 'status',
        status: 429,
        message,
        body: { message, type: 'requests', code: 'rate_limit_exceeded' },
        headers: new Headers({
          'x-ratelimit-limit-requests': '14400',
          'x-ratelimit-remaining-requests': '14000',
        }),
      },
      { provider: 'groq', model: 'm', requestsWindowMs: 86_400_000 },
    );
    expect(error.rateLimit?.requests).toEqual({ limit: 30, remaining: 0, windowMs: 60_000 });
  });
});
