import { createRequire } from 'node:module';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { type FailureClass, InvalidRequestError, ProviderError, registerSecret } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { mapError } from './map-error.js';

const live = new AbortController().signal;
const context = { provider: 'anthropic', model: 'claude-test', signal: live, phase: 'request' as const };

function apiError(
  status: number | undefined,
  type: string,
  message: string,
  extra: object = {},
  headers = {},
) {
  const body = { type: 'error', error: { type, message, ...extra }, request_id: 'req_body' };
  if (status === undefined)
    return new APIError(undefined, body, undefined, new Headers(headers), type as never);
  return APIError.generate(status, body, undefined, new Headers({ 'request-id': 'req_1', ...headers }));
}

function failureOf(error: unknown, phase: 'request' | 'stream' = 'request'): FailureClass {
  const mapped = mapError(error, { ...context, phase });
  if (!ProviderError.isInstance(mapped)) throw new Error(`not a ProviderError: ${String(mapped)}`);
  return mapped.failure;
}

describe('mapError', () => {
  it.each([
    [
      429,
      'rate_limit_error',
      'Number of request tokens has exceeded your per-minute rate limit',
      {},
      'rate_limit',
    ],
    [429, 'rate_limit_error', 'ramp', { details: { error_code: 'ramp_limit_exceeded' } }, 'rate_limit'],
    [429, 'rate_limit_error', 'cap', { details: { error_code: 'enforced_spend_limit_reached' } }, 'quota'],
    [429, 'rate_limit_error', 'cap', { details: { error_code: 'contract_spend_limit_reached' } }, 'quota'],
    [402, 'billing_error', 'Payment required', {}, 'quota'],
    [529, 'overloaded_error', 'Overloaded', {}, 'overloaded'],
    [503, 'api_error', 'Service unavailable', {}, 'overloaded'],
    [500, 'api_error', 'Internal server error', {}, 'server'],
    [502, 'api_error', 'Bad gateway', {}, 'server'],
    [504, 'timeout_error', 'Gateway timeout', {}, 'server'],
    [408, 'timeout_error', 'Request timeout', {}, 'timeout'],
    [401, 'authentication_error', 'invalid x-api-key', {}, 'auth'],
    [403, 'permission_error', 'no access', {}, 'auth'],
    [404, 'not_found_error', 'model: claude-gone', {}, 'not_found'],
    [
      400,
      'invalid_request_error',
      'prompt is too long: 208423 tokens > 200000 maximum',
      {},
      'context_length',
    ],
    [
      400,
      'invalid_request_error',
      'input length and `max_tokens` exceed context limit: 199000 + 8000 > 200000',
      {},
      'context_length',
    ],
    [
      400,
      'invalid_request_error',
      'Your credit balance is too low to access the Anthropic API.',
      {},
      'quota',
    ],
    [400, 'invalid_request_error', 'messages: roles must alternate', {}, 'invalid_request'],
    [413, 'request_too_large', 'Request exceeds the maximum size', {}, 'invalid_request'],
    [422, 'invalid_request_error', 'unprocessable', {}, 'invalid_request'],
  ] as const)('%i %s (%s) → %s', (status, type, message, extra, expected) => {
    expect(failureOf(apiError(status, type, message, extra))).toBe(expected);
  });

  it('treats a 429 marked x-should-retry: false as quota', () => {
    expect(failureOf(apiError(429, 'rate_limit_error', 'stop', {}, { 'x-should-retry': 'false' }))).toBe(
      'quota',
    );
  });

  it.each([
    ['overloaded_error', 'overloaded'],
    ['api_error', 'server'],
    ['rate_limit_error', 'rate_limit'],
    ['timeout_error', 'timeout'],
    ['invalid_request_error', 'invalid_request'],
    ['mystery_error', 'server'],
  ] as const)('classifies an in-band %s (no status) as %s', (type, expected) => {
    expect(failureOf(apiError(undefined, type, 'boom'), 'stream')).toBe(expected);
  });

  it('classifies connection failures and timeouts', () => {
    expect(failureOf(new APIConnectionTimeoutError())).toBe('timeout');
    expect(failureOf(new APIConnectionError({ message: 'fetch failed' }))).toBe('connection');
  });

  it('classifies errors of the CommonJS copy of the SDK by status and body alike', () => {
    // This file imports the SDK's ESM build; require() loads its other copy, with other classes.
    const Other = createRequire(import.meta.url)('@anthropic-ai/sdk') as typeof import('@anthropic-ai/sdk');
    expect(Other.APIError).not.toBe(APIError);
    const other = (status: number, type: string, message: string) =>
      Other.APIError.generate(status, { type: 'error', error: { type, message } }, undefined, new Headers());
    expect(failureOf(other(401, 'authentication_error', 'invalid x-api-key'))).toBe('auth');
    expect(failureOf(other(429, 'rate_limit_error', 'slow down'))).toBe('rate_limit');
    expect(failureOf(other(529, 'overloaded_error', 'Overloaded'))).toBe('overloaded');
    expect(failureOf(other(400, 'invalid_request_error', 'roles must alternate'))).toBe('invalid_request');
    expect(failureOf(new Other.APIConnectionTimeoutError())).toBe('timeout');
    expect(failureOf(new Other.APIConnectionError({ message: 'fetch failed' }))).toBe('connection');
    const aborted = mapError(new Other.APIUserAbortError(), context);
    expect(ProviderError.isInstance(aborted)).toBe(false);
  });

  it("books the adapter's own conversion refusals as invalid_request, never as a provider failure", () => {
    const refusal = new InvalidRequestError('messages[0].content[0]: Anthropic accepts images of type …', {
      field: 'messages[0].content[0].mediaType',
    });
    expect(failureOf(refusal)).toBe('invalid_request');
  });

  it('books a body the SDK could not encode as invalid_request: nothing was sent', () => {
    let encodeError: unknown;
    try {
      JSON.stringify({ n: 1n });
    } catch (error) {
      encodeError = error;
    }
    expect(failureOf(encodeError)).toBe('invalid_request');
  });

  it('treats a non-SDK failure as a server fault before the stream and a cut after it began', () => {
    expect(failureOf(new SyntaxError('Unexpected token < in JSON'))).toBe('server');
    expect(failureOf(new TypeError('terminated'), 'stream')).toBe('stream_cut');
  });

  it('carries status, request id, retry-after and the rate-limit snapshot', () => {
    const reset = new Date(Date.now() + 30_000).toISOString();
    const error = apiError(
      429,
      'rate_limit_error',
      'slow down',
      {},
      {
        'retry-after': '12',
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': reset,
      },
    );
    const mapped = mapError(error, context) as ProviderError;
    expect(mapped).toMatchObject({
      failure: 'rate_limit',
      provider: 'anthropic',
      model: 'claude-test',
      status: 429,
      requestId: 'req_1',
      retryAfterMs: 12_000,
    });
    expect(mapped.rateLimit?.requests).toMatchObject({ limit: 50, remaining: 0 });
    expect(mapped.rateLimit?.requests?.resetMs).toBeGreaterThan(25_000);
    expect(mapped.message).toContain('slow down');
  });

  it('rethrows the signal reason when the caller aborted, whatever the SDK threw', () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    const aborted = { ...context, signal: controller.signal };
    expect(mapError(new APIUserAbortError(), aborted)).toBe(reason);
    expect(mapError(apiError(500, 'api_error', 'x'), aborted)).toBe(reason);
  });

  it('never lets a registered key through in the message or the cause', () => {
    const key = 'sk-ant-api03-secretsecretsecret';
    registerSecret(key);
    const mapped = mapError(
      apiError(401, 'authentication_error', `invalid key ${key}`),
      context,
    ) as ProviderError;
    expect(mapped.message).not.toContain(key);
    expect(mapped.message).toContain('[redacted]');
    expect(mapped.cause).toBeUndefined();
  });
});
