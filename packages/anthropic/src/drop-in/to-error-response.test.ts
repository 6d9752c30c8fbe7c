import {
  AllProvidersFailedError,
  BudgetExceededError,
  CacheMissError,
  ConfigError,
  InvalidRequestError,
  NoEligibleModelError,
  QueueFullError,
  type RouterError,
  StreamInterruptedError,
} from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from './to-error-response.js';

const attempt = { provider: 'anthropic', model: 'm', durationMs: 1 };
const budget = new BudgetExceededError('budget "daily" has no room', {
  budget: 'daily',
  window: 'day',
  limitUsd: 1,
  resetAt: 0,
  retryAfterMs: 1500,
});

// Every RouterError a router call can end in, and what Anthropic's own API would have answered.
describe('router errors → Anthropic HTTP errors', () => {
  it.each<[string, RouterError, number, string]>([
    ['budget', budget, 429, 'rate_limit_error'],
    ['queue full', new QueueFullError('full', { retryAfterMs: 200 }), 429, 'rate_limit_error'],
    ['invalid request', new InvalidRequestError('bad', { field: 'messages' }), 400, 'invalid_request_error'],
    ['no eligible model', new NoEligibleModelError('none', { exclusions: [] }), 400, 'invalid_request_error'],
    ['config', new ConfigError('bad config'), 500, 'api_error'],
    ['cache miss', new CacheMissError('not cached'), 504, 'timeout_error'],
    [
      'all failed, last overloaded',
      new AllProvidersFailedError('x', { attempts: [{ ...attempt, outcome: 'overloaded', status: 529 }] }),
      529,
      'overloaded_error',
    ],
    [
      'stream cut',
      new StreamInterruptedError('cut', { partialText: 'a', attempts: [], failure: 'stream_cut' }),
      500,
      'api_error',
    ],
  ])('%s', async (_, error, status, type) => {
    const response = toErrorResponse(error, 'req_1');
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe(type);
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    expect(response.headers.get('retry-after-ms')).toBe(
      retryAfterMs === undefined ? null : String(retryAfterMs),
    );
  });
});
