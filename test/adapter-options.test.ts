// Every adapter factory refuses a wrong option with a ConfigError naming the field, when it is built:
// not a plain TypeError at the factory, nor a request to a bad host at the first call (issue 14, defect 6).
import { anthropic } from '@spillway/anthropic';
import { ConfigError, type ProviderAdapter } from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai, openaiCompatible } from '@spillway/openai';
import { describe, expect, it } from 'vitest';

type Factory = (options: Record<string, unknown>) => ProviderAdapter;

const factories: Array<[string, Factory, Record<string, unknown>]> = [
  ['openai', openai as Factory, {}],
  ['anthropic', anthropic as Factory, {}],
  ['groq', groq as Factory, {}],
  [
    'openaiCompatible',
    openaiCompatible as unknown as Factory,
    {
      name: 'local',
      baseURL: 'http://127.0.0.1:1/v1',
      models: [{ id: 'm', capability: 3, inputUsdPerMTok: 0, outputUsdPerMTok: 0, contextWindow: 8192 }],
    },
  ],
];

const SECRET = 'not-shaped-like-any-key-1234567890';

const wrong: Array<[string, Record<string, unknown>, string]> = [
  ['apiKey a number', { apiKey: 12345 }, 'apiKey'],
  ['apiKey empty', { apiKey: '' }, 'apiKey'],
  ['baseURL not a URL', { baseURL: 'not a url' }, 'baseURL'],
  ['baseURL not http', { baseURL: 'ftp://example.com/v1' }, 'baseURL'],
  ['baseURL a number', { baseURL: 8080 }, 'baseURL'],
  ['client {}', { client: {} }, 'client'],
  ['client a string', { client: SECRET }, 'client'],
  ['name empty', { name: '' }, 'name'],
  ['headers with a number', { headers: { 'x-team': 7 } }, 'headers.x-team'],
  ['models a string', { models: 'x' }, 'models'],
  ['models [null]', { models: [null] }, 'models[0]'],
  ['models with an unknown catalog id', { models: ['no-such-model'] }, 'models[0]'],
  ['a model spec without id', { models: [{ capability: 3 }] }, 'models[0].id'],
];

describe.each(factories)('%s() options', (_name, factory, base) => {
  it.each(wrong)('rejects %s with ConfigError naming the field', (_label, options, field) => {
    let thrown: unknown;
    try {
      factory({ ...base, ...options });
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown), String(thrown)).toBe(true);
    expect((thrown as ConfigError).field).toBe(field);
    expect((thrown as Error).message).not.toContain(SECRET);
  });

  it('rejects options that are not an object', () => {
    expect(() => factory('sk-oops' as never)).toThrow(ConfigError);
  });

  it('accepts good options and reads no key yet', () => {
    expect(() => factory({ ...base, apiKey: SECRET, baseURL: 'http://127.0.0.1:9/v1' })).not.toThrow();
  });
});
