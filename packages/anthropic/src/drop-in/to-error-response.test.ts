import { type RouterErrorSampleName, routerErrorSamples } from '@spillway/core/testing';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from './to-error-response.js';

// Every RouterError a router call can end in (core's samples: a new one fails to compile here until
// it is mapped), and the status and `error.type` Anthropic's own API would have answered.
const EXPECTED: Record<RouterErrorSampleName, [status: number, type: string]> = {
  budget: [429, 'rate_limit_error'],
  'queue full': [429, 'rate_limit_error'],
  'invalid request': [400, 'invalid_request_error'],
  'no eligible model': [400, 'invalid_request_error'],
  config: [500, 'api_error'],
  'cache miss': [504, 'timeout_error'],
  deadline: [504, 'timeout_error'],
  'all failed, last rate limited': [429, 'rate_limit_error'],
  'all failed, last overloaded': [529, 'overloaded_error'],
  'all failed, last lost a hedged race': [500, 'api_error'],
  'stream cut': [500, 'api_error'],
  'provider error': [400, 'invalid_request_error'],
};

describe('router errors → Anthropic HTTP errors', () => {
  const samples = routerErrorSamples('anthropic');
  it.each(Object.entries(EXPECTED))('%s', async (name, [status, type]) => {
    const error = samples[name as RouterErrorSampleName];
    const response = toErrorResponse(error, 'req_1');
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe(type);
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    expect(response.headers.get('retry-after-ms')).toBe(
      retryAfterMs === undefined ? null : String(retryAfterMs),
    );
  });
});
