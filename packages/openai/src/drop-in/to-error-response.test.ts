import { type RouterErrorSampleName, routerErrorSamples } from '@spillway/core/testing';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from './to-error-response.js';

// Every RouterError a router call can end in (core's samples: a new one fails to compile here until
// it is mapped), and the status and `error.code` OpenAI's own API would have answered.
const EXPECTED: Record<RouterErrorSampleName, [status: number, code: string | null]> = {
  budget: [429, 'budget_exceeded'],
  'queue full': [429, 'rate_limit_exceeded'],
  'invalid request': [400, null],
  'no eligible model': [400, null],
  config: [500, null],
  'cache miss': [504, 'cache_miss'],
  deadline: [504, 'timeout'],
  'all failed, last rate limited': [429, 'rate_limit_exceeded'],
  'all failed, last overloaded': [503, null],
  'all failed, last lost a hedged race': [500, null],
  'stream cut': [502, null],
  'provider error': [400, 'context_length_exceeded'],
};

describe('router errors → OpenAI HTTP errors', () => {
  const samples = routerErrorSamples('openai');
  it.each(Object.entries(EXPECTED))('%s', async (name, [status, code]) => {
    const error = samples[name as RouterErrorSampleName];
    const response = toErrorResponse(error, 'req_1');
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string | null } }).error.code).toBe(code);
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    expect(response.headers.get('retry-after-ms')).toBe(
      retryAfterMs === undefined ? null : String(retryAfterMs),
    );
  });
});
