import { ConfigError } from '@spillway/core';
import { scriptedAdapter } from '@spillway/testing';
import { describe, expect, it } from 'vitest';
import { routerTimeouts, validateConfig } from './config.js';
import { registerProviderKind } from './index.js';

function problem(value: unknown): { field: string | undefined; message: string } {
  try {
    validateConfig(value);
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return { field: (error as ConfigError).field, message: (error as Error).message };
  }
  throw new Error('expected a ConfigError');
}

describe('validateConfig', () => {
  it('accepts kind google, and a kind registered by another package', () => {
    expect(
      validateConfig({ providers: [{ kind: 'google', limits: { rpm: 60, inputTpm: 100_000 } }] }).providers,
    ).toEqual([{ kind: 'google', limits: { rpm: 60, inputTpm: 100_000 } }]);
    expect(problem({ providers: [{ kind: 'acme' }] }).message).toMatch(/must be one of .*google/);
    registerProviderKind('acme', {
      create: () => scriptedAdapter({ name: 'acme', models: [{ id: 'acme-1' }] }),
      keyVariables: [],
      protocol: 'openai',
    });
    expect(validateConfig({ providers: [{ kind: 'acme' }] }).providers[0]?.kind).toBe('acme');
  });

  it('accepts a full config', () => {
    const config = validateConfig({
      providers: [
        {
          kind: 'openai',
          apiKeyEnv: 'OPENAI_API_KEY',
          models: ['gpt-5.4-mini'],
          limits: { rpm: 500, tpm: 200_000 },
        },
        {
          kind: 'openai-compatible',
          name: 'local',
          baseURL: 'http://127.0.0.1:8000/v1',
          models: [{ id: 'llama', capability: 4 }],
        },
      ],
      strategy: 'cheapest',
      maxAttempts: 4,
      defaults: { maxTokens: 100 },
    });
    expect(config.providers).toHaveLength(2);
    expect(config.providers[0]?.limits).toEqual({ rpm: 500, tpm: 200_000 });
    expect(config.maxAttempts).toBe(4);
  });

  it('takes the router timeouts a gateway uses, and rejects bad ones naming the field', () => {
    const config = validateConfig({
      providers: [{ kind: 'openai' }],
      timeoutMs: 60_000,
      stallTimeoutMs: 5_000,
    });
    expect(routerTimeouts(config)).toEqual({ timeoutMs: 60_000, stallTimeoutMs: 5_000 });
    expect(problem({ providers: [{ kind: 'openai' }], stallTimeoutMs: 0 }).field).toBe('stallTimeoutMs');
    expect(problem({ providers: [{ kind: 'openai' }], timeToFirstTokenMs: 'soon' }).field).toBe(
      'timeToFirstTokenMs',
    );
  });

  it('takes promptCaching on an anthropic entry, as the adapter spells it', () => {
    const config = validateConfig({
      providers: [
        { kind: 'anthropic', promptCaching: { ttl: '1h' } },
        { kind: 'anthropic', name: 'short', promptCaching: true },
      ],
    });
    expect(config.providers.map((provider) => provider.promptCaching)).toEqual([{ ttl: '1h' }, true]);
  });

  it.each([
    [{}, 'providers', 'providers must be a non-empty array'],
    [{ providers: [{ kind: 'x' }] }, 'providers[0].kind', 'must be one of'],
    [
      { providers: [{ kind: 'openai' }, { kind: 'groq', limits: { rpm: -1 } }] },
      'providers[1].limits.rpm',
      'providers[1].limits.rpm must be a positive number',
    ],
    [
      { providers: [{ kind: 'openai', limits: { rpn: 3 } }] },
      'providers[0].limits.rpn',
      'is not a known option',
    ],
    [{ providers: [{ kind: 'openai' }, { kind: 'openai' }] }, 'providers[1].name', 'used twice'],
    [{ providers: [{ kind: 'openai-compatible', models: ['m'] }] }, 'providers[0].baseURL', 'is required'],
    [{ providers: [{ kind: 'openai', apiKeyEnv: 'sk-abc123' }] }, 'providers[0].apiKeyEnv', 'not a key'],
    [
      { providers: [{ kind: 'openai', models: [{ capability: 3 }] }] },
      'providers[0].models[0]',
      'with an "id"',
    ],
    [
      { providers: [{ kind: 'anthropic', models: [{ id: 'claude-haiku-4-5', cacheWriteUsdPerMTok: -1 }] }] },
      'providers[0].models[0].cacheWriteUsdPerMTok',
      'must be a non-negative number',
    ],
    [
      {
        providers: [
          { kind: 'anthropic', models: [{ id: 'claude-haiku-4-5', cacheWrite1hUsdPerMTok: 'two' }] },
        ],
      },
      'providers[0].models[0].cacheWrite1hUsdPerMTok',
      'must be a non-negative number',
    ],
    [
      { providers: [{ kind: 'anthropic', promptCaching: 'yes' }] },
      'providers[0].promptCaching',
      'providers[0].promptCaching must be true, false or { "ttl": "5m" | "1h" }, got "yes"',
    ],
    [
      { providers: [{ kind: 'openai' }, { kind: 'anthropic', promptCaching: { ttl: '2h' } }] },
      'providers[1].promptCaching.ttl',
      'must be "5m" or "1h", got "2h"',
    ],
    [
      { providers: [{ kind: 'anthropic', promptCaching: { ttl: '5m', type: 'ephemeral' } }] },
      'providers[0].promptCaching.type',
      'is not a known option',
    ],
    [
      { providers: [{ kind: 'openai', promptCaching: true }] },
      'providers[0].promptCaching',
      'is only for kind anthropic, not openai',
    ],
    [{ providers: [{ kind: 'openai' }], strategy: 'best' }, 'strategy', 'must be one of'],
    [{ providers: [{ kind: 'openai' }], maxAttempts: 2.5 }, 'maxAttempts', 'whole number'],
    [{ providers: [{ kind: 'openai' }], retries: 2 }, 'retries', 'is not a known option'],
  ])('rejects %j at %s', (value, field, message) => {
    const found = problem(value);
    expect(found.field).toBe(field);
    expect(found.message).toContain(message);
  });
});
