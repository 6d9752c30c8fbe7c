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

const attempt = { provider: 'openai', model: 'm', durationMs: 1 };
const budget = new BudgetExceededError('budget "daily" has no room', {
  budget: 'daily',
  window: 'day',
  limitUsd: 1,
  resetAt: 0,
  retryAfterMs: 1500,
});

// Every RouterError a router call can end in, and what OpenAI's own API would have answered. Timeouts
// and connection failures are not here: the fetch throws those, as no HTTP answer came.
describe('router errors → OpenAI HTTP errors', () => {
  it.each<[string, RouterError, number, string | null]>([
    ['budget', budget, 429, 'budget_exceeded'],
    ['queue full', new QueueFullError('full', { retryAfterMs: 200 }), 429, 'rate_limit_exceeded'],
    ['invalid request', new InvalidRequestError('bad', { field: 'messages' }), 400, null],
    ['no eligible model', new NoEligibleModelError('none', { exclusions: [] }), 400, null],
    ['config', new ConfigError('bad config'), 500, null],
    ['cache miss', new CacheMissError('not cached'), 504, 'cache_miss'],
    [
      'all failed, last rate limited',
      new AllProvidersFailedError('x', {
        attempts: [{ ...attempt, outcome: 'rate_limit', status: 429 }],
        retryAfterMs: 900,
      }),
      429,
      'rate_limit_exceeded',
    ],
    [
      'all failed, last overloaded',
      new AllProvidersFailedError('x', { attempts: [{ ...attempt, outcome: 'overloaded', status: 503 }] }),
      503,
      null,
    ],
    [
      'stream cut',
      new StreamInterruptedError('cut', { partialText: 'a', attempts: [], failure: 'stream_cut' }),
      502,
      null,
    ],
  ])('%s', async (_, error, status, code) => {
    const response = toErrorResponse(error, 'req_1');
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string | null } }).error.code).toBe(code);
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    expect(response.headers.get('retry-after-ms')).toBe(
      retryAfterMs === undefined ? null : String(retryAfterMs),
    );
  });
});
