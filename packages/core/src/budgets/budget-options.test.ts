import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { RouterOptions } from '../router/options.js';
import { resolveOptions } from '../router/validate-options.js';
import { scriptedAdapter } from '../testing/index.js';

const model = { id: 'm', capability: 5, inputUsdPerMTok: 1, outputUsdPerMTok: 2, contextWindow: 1000 };
const providers = [scriptedAdapter({ name: 'a', models: [model] as never })];
const daily = { name: 'daily', limitUsd: 5, window: 'day' };

function configError(extra: Record<string, unknown>): ConfigError {
  try {
    resolveOptions({ providers, ...extra } as RouterOptions);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('budgets and tenants options', () => {
  it.each([
    ['budgets not an array', { budgets: daily }, 'budgets', 'must be an array of budgets'],
    ['budget null', { budgets: [null] }, 'budgets[0]', 'must be a budget object, got null'],
    ['no name', { budgets: [{ ...daily, name: '' }] }, 'budgets[0].name', 'non-empty string'],
    ['limit 0', { budgets: [{ ...daily, limitUsd: 0 }] }, 'budgets[0].limitUsd', 'greater than 0, got 0'],
    [
      'limit Infinity',
      { budgets: [{ ...daily, limitUsd: Infinity }] },
      'budgets[0].limitUsd',
      'finite number',
    ],
    [
      'unknown window',
      { budgets: [{ ...daily, window: 'week' }] },
      'budgets[0].window',
      'must be one of minute, hour, day, month or milliseconds (>= 1000), got "week"',
    ],
    ['window 10 ms', { budgets: [{ ...daily, window: 10 }] }, 'budgets[0].window', 'at least 1000'],
    ['window 1.5 s', { budgets: [{ ...daily, window: 1500.5 }] }, 'budgets[0].window', 'an integer'],
    ['bad scope', { budgets: [{ ...daily, scope: 'team' }] }, 'budgets[0].scope', 'one of global, tenant'],
    [
      'match on a global budget',
      { budgets: [{ ...daily, match: 'x' }] },
      'budgets[0].match',
      "needs a scope ('tenant', 'provider' or 'model')",
    ],
    [
      'unknown provider',
      { budgets: [{ ...daily, scope: 'provider', match: 'openai' }] },
      'budgets[0].match',
      'names provider "openai", which is not configured',
    ],
    [
      'unknown model',
      { budgets: [{ ...daily, scope: 'model', match: 'gpt-x' }] },
      'budgets[0].match',
      'names model "gpt-x", which no configured provider offers',
    ],
    [
      'duplicate names',
      { budgets: [daily, { ...daily, window: 'hour' }] },
      'budgets[1].name',
      'duplicates budget "daily"',
    ],
    ['tenants an array', { tenants: [] }, 'tenants', 'must be an object of tenant settings'],
    ['empty tenant id', { tenants: { '': {} } }, 'tenants', 'must not have an empty tenant id'],
    ['tenant null', { tenants: { acme: null } }, 'tenants["acme"]', 'must be an object, got null'],
    ['weight 0', { tenants: { acme: { weight: 0 } } }, 'tenants["acme"].weight', 'greater than 0'],
    ['rpm negative', { tenants: { acme: { rpm: -1 } } }, 'tenants["acme"].rpm', 'greater than 0'],
    ['tpm a string', { tenants: { acme: { tpm: '9' } } }, 'tenants["acme"].tpm', 'finite number'],
    [
      'tenant budget with limit 0',
      { tenants: { acme: { budgets: [{ ...daily, limitUsd: 0 }] } } },
      'tenants["acme"].budgets[0].limitUsd',
      'greater than 0',
    ],
    [
      "scope 'tenant' inside a tenant",
      { tenants: { acme: { budgets: [{ ...daily, scope: 'tenant' }] } } },
      'tenants["acme"].budgets[0].scope',
      "must not be 'tenant' inside tenants",
    ],
  ])('rejects %s', (_name, extra, field, message) => {
    const error = configError(extra);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('keeps validated copies with scope defaulted', () => {
    const resolved = resolveOptions({
      providers,
      budgets: [daily as never, { name: 'm', limitUsd: 1, window: 60_000, scope: 'model', match: 'm' }],
      tenants: { acme: { weight: 2, rpm: 60, budgets: [{ name: 'a', limitUsd: 1, window: 'month' }] } },
    });
    expect(resolved.budgets).toEqual([
      { name: 'daily', limitUsd: 5, window: 'day', scope: 'global' },
      { name: 'm', limitUsd: 1, window: 60_000, scope: 'model', match: 'm' },
    ]);
    expect(resolved.tenants.get('acme')).toEqual({
      weight: 2,
      rpm: 60,
      budgets: [{ name: 'a', limitUsd: 1, window: 'month', scope: 'global' }],
    });
    expect(resolveOptions({ providers }).budgets).toEqual([]);
  });
});
