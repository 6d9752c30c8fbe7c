import { describeSdkError, toProviderError } from '@spillway/core/chat-completions';
import Groq from 'groq-sdk';
import { describe, expect, it } from 'vitest';

const live = new AbortController().signal;

// groq-sdk keeps the WHOLE body on `error.error` (openai keeps the inner object): both must classify alike.
function classify(error: unknown, midStream = false) {
  const facts = describeSdkError(error, live, midStream);
  if (facts === 'abort') throw new Error('unexpected abort');
  return toProviderError(facts, { provider: 'groq', model: 'm', requestsWindowMs: 86_400_000 });
}

const statusError = (status: number, error: object | undefined, headers: Record<string, string> = {}) =>
  Groq.APIError.generate(
    status,
    error === undefined ? undefined : { error },
    undefined,
    new Headers(headers),
  );

describe('Groq errors → failure classes', () => {
  it.each([
    [
      '429 tokens',
      statusError(429, {
        message: 'Rate limit reached for model on tokens per minute (TPM)',
        type: 'tokens',
        code: 'rate_limit_exceeded',
      }),
      'rate_limit',
    ],
    [
      '413 too large',
      statusError(
        413,
        {
          message:
            'Request too large for model `openai/gpt-oss-120b` on tokens per minute (TPM): Limit 8000, Requested 9000',
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
        message: 'Please reduce the length of the messages or completion.',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      }),
      'context_length',
    ],
    [
      '498 flex capacity',
      statusError(498, { message: 'capacity exceeded', type: 'capacity_exceeded' }),
      'overloaded',
    ],
    [
      '503',
      statusError(503, { message: 'Service Unavailable', type: 'internal_server_error' }),
      'overloaded',
    ],
    ['500', statusError(500, { message: 'Internal Server Error', type: 'internal_server_error' }), 'server'],
    [
      '401',
      statusError(401, {
        message: 'Invalid API Key',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      }),
      'auth',
    ],
    [
      '404',
      statusError(404, {
        message: 'The model `x` does not exist',
        type: 'invalid_request_error',
        code: 'model_not_found',
      }),
      'not_found',
    ],
    ['422', statusError(422, { message: 'bad', type: 'invalid_request_error' }), 'invalid_request'],
    ['timeout', new Groq.APIConnectionTimeoutError(), 'timeout'],
    ['connection', new Groq.APIConnectionError({ message: 'Connection error.' }), 'connection'],
  ])('%s → %s', (_label, error, failure) => {
    expect(classify(error).failure).toBe(failure);
  });

  it('reads the requests headers as a daily window', () => {
    const error = classify(
      statusError(
        429,
        { message: 'Rate limit reached on requests per day (RPD)', type: 'requests' },
        {
          'x-ratelimit-limit-requests': '14400',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '2m59.56s',
          'retry-after': '2',
        },
      ),
    );
    expect(error.rateLimit?.requests).toEqual({
      limit: 14400,
      remaining: 0,
      resetMs: 179_560,
      windowMs: 86_400_000,
    });
    expect(error.retryAfterMs).toBe(2000);
  });

  it('classifies in-band errors (no status) from the body', () => {
    const inBand = new Groq.APIError(
      undefined,
      { message: 'Rate limit', type: 'tokens' },
      undefined,
      new Headers(),
    );
    expect(classify(inBand, true).failure).toBe('rate_limit');
  });
});
