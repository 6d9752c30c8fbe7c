import {
  AllProvidersFailedError,
  BudgetExceededError,
  CacheMissError,
  ConfigError,
  DeadlineExceededError,
  InvalidRequestError,
  NoEligibleModelError,
  ProviderError,
  QueueFullError,
  type RouterError,
  StreamInterruptedError,
} from '../errors.js';

/** The name of each sample in {@link routerErrorSamples}. */
export type RouterErrorSampleName =
  | 'budget'
  | 'queue full'
  | 'invalid request'
  | 'no eligible model'
  | 'config'
  | 'cache miss'
  | 'deadline'
  | 'all failed, last rate limited'
  | 'all failed, last overloaded'
  | 'all failed, last lost a hedged race'
  | 'stream cut'
  | 'provider error';

/**
 * One instance of every error a router call can end in, by name, for tests that map router errors to
 * something else (an HTTP answer, a client's error class). A translation test keyed by
 * {@link RouterErrorSampleName} stops compiling when a sample is added here and not mapped there, and
 * core's own test fails when an error class is added to core and not here: the drop-ins and the
 * gateway stay in step with the errors.
 */
export function routerErrorSamples(provider = 'p'): Record<RouterErrorSampleName, RouterError> {
  const attempt = { provider, model: 'm', durationMs: 1 };
  return {
    budget: new BudgetExceededError('budget "daily" has no room', {
      budget: 'daily',
      window: 'day',
      limitUsd: 1,
      resetAt: 0,
      retryAfterMs: 1500,
    }),
    'queue full': new QueueFullError('full', { retryAfterMs: 200 }),
    'invalid request': new InvalidRequestError('bad', { field: 'messages' }),
    'no eligible model': new NoEligibleModelError('none', { exclusions: [] }),
    config: new ConfigError('bad config'),
    'cache miss': new CacheMissError('not cached'),
    deadline: new DeadlineExceededError('late', { attempts: [{ ...attempt, outcome: 'timeout' }] }),
    'all failed, last rate limited': new AllProvidersFailedError('x', {
      attempts: [{ ...attempt, outcome: 'rate_limit', status: 429 }],
      retryAfterMs: 900,
    }),
    'all failed, last overloaded': new AllProvidersFailedError('x', {
      attempts: [{ ...attempt, outcome: 'overloaded', status: 529 }],
    }),
    // The loser of a hedged race is `cancelled`, not a failure: the answer describes the one before it.
    'all failed, last lost a hedged race': new AllProvidersFailedError('x', {
      attempts: [
        { ...attempt, outcome: 'server', status: 500 },
        { ...attempt, outcome: 'cancelled', hedge: true },
      ],
    }),
    'stream cut': new StreamInterruptedError('cut', {
      partialText: 'a',
      attempts: [],
      failure: 'stream_cut',
    }),
    'provider error': new ProviderError('upstream said no', {
      failure: 'context_length',
      provider,
      model: 'm',
      status: 400,
    }),
  };
}
