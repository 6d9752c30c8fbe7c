import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { scriptedAdapter } from '../testing/index.js';
import type { RouterOptions } from './options.js';
import { createRouter } from './router.js';

const model = { id: 'm', capability: 5, inputUsdPerMTok: 1, outputUsdPerMTok: 2, contextWindow: 1000 };
const adapter = (name = 'a', models: object[] = [model]) =>
  scriptedAdapter({ name, models: models as never });

function configError(options: unknown): ConfigError {
  try {
    createRouter(options as RouterOptions);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('createRouter option validation', () => {
  it.each([
    ['not an object', undefined, undefined, 'options must be an object'],
    ['no providers', {}, 'providers', 'providers must be a non-empty array'],
    ['empty providers', { providers: [] }, 'providers', 'providers must be a non-empty array'],
    [
      'duplicate provider names',
      { providers: [adapter('a'), adapter('a')] },
      'providers[1].name',
      'providers[1].name duplicates provider name "a"',
    ],
    [
      'wrong specification version',
      { providers: [{ ...adapter(), specificationVersion: 'v0' }] },
      'providers[0].specificationVersion',
      'providers[0].specificationVersion must be \'v1\', got "v0"',
    ],
    [
      'capability above 10',
      { providers: [adapter('a', [{ ...model, capability: 11 }])] },
      'providers[0].models[0].capability',
      'providers[0].models[0].capability must be at most 10, got 11',
    ],
    [
      'capability below 1',
      { providers: [adapter('a', [{ ...model, capability: 0 }])] },
      'providers[0].models[0].capability',
      'must be at least 1, got 0',
    ],
    [
      'negative price',
      { providers: [adapter('a', [{ ...model, inputUsdPerMTok: -1 }])] },
      'providers[0].models[0].inputUsdPerMTok',
      'must be at least 0',
    ],
    [
      'negative cached-input price',
      { providers: [adapter('a', [{ ...model, cachedInputUsdPerMTok: -0.1 }])] },
      'providers[0].models[0].cachedInputUsdPerMTok',
      'must be at least 0',
    ],
    [
      'cache-write price that is not a number',
      { providers: [adapter('a', [{ ...model, cacheWriteUsdPerMTok: '3.75' as unknown as number }])] },
      'providers[0].models[0].cacheWriteUsdPerMTok',
      'must be',
    ],
    [
      'long-context prices that are not an object',
      { providers: [adapter('a', [{ ...model, longContext: 4 as never }])] },
      'providers[0].models[0].longContext',
      'must be an object, got 4',
    ],
    [
      'long-context threshold missing',
      {
        providers: [
          adapter('a', [{ ...model, longContext: { inputUsdPerMTok: 2, outputUsdPerMTok: 4 } as never }]),
        ],
      },
      'providers[0].models[0].longContext.aboveInputTokens',
      'must be',
    ],
    [
      'negative long-context price',
      {
        providers: [
          adapter('a', [
            { ...model, longContext: { aboveInputTokens: 1_000, inputUsdPerMTok: -2, outputUsdPerMTok: 4 } },
          ]),
        ],
      },
      'providers[0].models[0].longContext.inputUsdPerMTok',
      'must be at least 0',
    ],
    [
      'duplicate model ids',
      { providers: [adapter('a', [model, model])] },
      'providers[0].models[1].id',
      'duplicates model "m"',
    ],
    [
      'negative limit',
      { providers: [{ ...adapter(), limits: { rpm: -5 } }] },
      'providers[0].limits.rpm',
      'must be greater than 0, got -5',
    ],
    [
      'non-finite model limit',
      { providers: [adapter('a', [{ ...model, limits: { tpm: Infinity } }])] },
      'providers[0].models[0].limits.tpm',
      'must be a finite number, got Infinity',
    ],
    [
      'bad strategy',
      { providers: [adapter()], strategy: 'random' },
      'strategy',
      'one of cheapest, most-capable, fastest or a function',
    ],
    [
      'maxAttempts 0',
      { providers: [adapter()], maxAttempts: 0 },
      'options.maxAttempts',
      'must be at least 1',
    ],
    [
      'fractional maxAttempts',
      { providers: [adapter()], maxAttempts: 1.5 },
      'options.maxAttempts',
      'must be an integer',
    ],
    [
      'negative timeout',
      { providers: [adapter()], timeoutMs: -1 },
      'options.timeoutMs',
      'must be greater than 0',
    ],
    [
      'retry max below base',
      { providers: [adapter()], retry: { baseDelayMs: 100, maxDelayMs: 10 } },
      'retry.maxDelayMs',
      'must be at least retry.baseDelayMs (100)',
    ],
    [
      'negative cooldown',
      { providers: [adapter()], cooldown: { defaultMs: -1 } },
      'cooldown.defaultMs',
      'at least 0',
    ],
    [
      'breaker threshold above 100',
      { providers: [adapter()], breaker: { errorThresholdPercentage: 150 } },
      'breaker.errorThresholdPercentage',
      'at most 100',
    ],
    ['queue not an object', { providers: [adapter()], queue: 5 }, 'queue', 'must be an object'],
    ['clock without timers', { providers: [adapter()], clock: { now: () => 0 } }, 'clock', 'must have now()'],
    ['random not a function', { providers: [adapter()], random: 0.5 }, 'random', 'must be a function'],
    ['logger without warn', { providers: [adapter()], logger: {} }, 'logger', 'must have warn() and error()'],
    // Defect 6 (issue 14): each of these was accepted or failed later with a plain error.
    [
      'provider rpm 0 (it meant unlimited)',
      { providers: [{ ...adapter(), limits: { rpm: 0 } }] },
      'providers[0].limits.rpm',
      'must be greater than 0, got 0',
    ],
    [
      'maxConcurrent 0 (requests never settled)',
      { providers: [{ ...adapter(), limits: { maxConcurrent: 0 } }] },
      'providers[0].limits.maxConcurrent',
      'must be at least 1, got 0',
    ],
    [
      'fractional maxConcurrent',
      { providers: [adapter('a', [{ ...model, limits: { maxConcurrent: 1.5 } }])] },
      'providers[0].models[0].limits.maxConcurrent',
      'must be an integer',
    ],
    [
      'model tpm 0',
      { providers: [adapter('a', [{ ...model, limits: { tpm: 0 } }])] },
      'providers[0].models[0].limits.tpm',
      'must be greater than 0',
    ],
    [
      'timeoutMs beyond a timer (fired at once)',
      { providers: [adapter()], timeoutMs: 2 ** 31 },
      'options.timeoutMs',
      'must be at most 2147483647',
    ],
    [
      'stallTimeoutMs beyond a timer',
      { providers: [adapter()], stallTimeoutMs: 1e12 },
      'options.stallTimeoutMs',
      'must be at most 2147483647',
    ],
    [
      'breaker reset beyond a timer',
      { providers: [adapter()], breaker: { resetTimeoutMs: 2 ** 32 } },
      'breaker.resetTimeoutMs',
      'must be at most 2147483647',
    ],
    ['store {}', { providers: [adapter()], store: {} }, 'store', 'missing reserve, settle, observe'],
    ['store a string', { providers: [adapter()], store: 'redis' }, 'store', 'must be a RouterStore'],
    [
      'models a string',
      { providers: [{ ...adapter(), models: 'x' }] },
      'providers[0].models',
      'must be an array of model specs',
    ],
    [
      'models [null]',
      { providers: [{ ...adapter(), models: [null] }] },
      'providers[0].models[0]',
      'must be a model spec object, got null',
    ],
    [
      'learning that is neither an object nor false',
      { providers: [adapter()], learning: true },
      'learning',
      'learning must be an object or false, got true',
    ],
    [
      'a learning window of 0',
      { providers: [adapter()], learning: { maxInFlight: 0 } },
      'learning.maxInFlight',
      'must be at least 1, got 0',
    ],
    [
      'a fractional initialInFlight',
      { providers: [adapter()], learning: { initialInFlight: 1.5 } },
      'learning.initialInFlight',
      'integer',
    ],
    [
      'initialInFlight above maxInFlight',
      { providers: [adapter()], learning: { initialInFlight: 4, maxInFlight: 3 } },
      'learning.initialInFlight',
      'must not exceed learning.maxInFlight (3), got 4',
    ],
    [
      'initialInFlight above the default maxInFlight',
      { providers: [adapter()], learning: { initialInFlight: 9 } },
      'learning.initialInFlight',
      'must not exceed learning.maxInFlight (8), got 9',
    ],
  ])('rejects %s', (_name, options, field, message) => {
    const error = configError(options);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('accepts a minimal valid configuration and a custom strategy', () => {
    expect(() => createRouter({ providers: [adapter()] })).not.toThrow();
    expect(() => createRouter({ providers: [adapter()], learning: false })).not.toThrow();
    expect(() =>
      createRouter({ providers: [adapter()], learning: { initialInFlight: 1, maxInFlight: 32 } }),
    ).not.toThrow();
    expect(() =>
      createRouter({ providers: [adapter()], strategy: (candidates) => candidates }),
    ).not.toThrow();
  });
});
