import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, type Limits, type ModelSpec } from '@spillway/core';
import { fileProblem } from './cli-errors.js';
import { loadPlugins } from './plugins.js';
import { type PromptCaching, providerKind, providerKindNames } from './provider-kinds.js';

/** A registered provider kind: 'openai', 'anthropic', 'groq', 'google', 'openai-compatible' or another. */
export type ProviderKind = string;

export type ProviderConfig = {
  kind: ProviderKind;
  name?: string;
  /** The environment variable holding the key (the key itself never goes in a config file). */
  apiKeyEnv?: string;
  baseURL?: string;
  models?: Array<string | (Partial<ModelSpec> & { id: string })>;
  limits?: Limits;
  /** Anthropic: `true` (5-minute cache) or `{ "ttl": "5m" | "1h" }` (the adapter's `promptCaching`). */
  promptCaching?: PromptCaching;
};

export type CliConfig = {
  /** Modules that register more provider kinds (see `SpillwayPlugin`); loaded by `loadConfigAndPlugins`. */
  plugins?: string[];
  providers: ProviderConfig[];
  strategy?: 'cheapest' | 'most-capable' | 'fastest';
  maxAttempts?: number;
  /** Deadline per request, across attempts and waits. */
  timeoutMs?: number;
  /** Streams: fall back when no first content arrives in this time (the router's option). */
  timeToFirstTokenMs?: number;
  /** Streams: end with an error when no chunk arrives for this long after content began (the router's option). */
  stallTimeoutMs?: number;
  /** Request fields applied to every batch line that does not set them (e.g. maxTokens, minCapability). */
  defaults?: Record<string, unknown>;
  /** `spillway serve`: the gateway's options (checked by the serve command). */
  gateway?: unknown;
  /** `spillway serve`: a Redis the replicas share limits through (checked by the serve command). */
  redis?: unknown;
  /** `spillway serve`: the router's response cache, in memory or on Redis (checked by the serve command). */
  cache?: unknown;
};

const STRATEGIES = ['cheapest', 'most-capable', 'fastest'];
const LIMIT_FIELDS = ['rpm', 'tpm', 'inputTpm', 'outputTpm', 'maxConcurrent'] as const;
const TOP_FIELDS = [
  'plugins',
  'providers',
  'strategy',
  'maxAttempts',
  'timeoutMs',
  'timeToFirstTokenMs',
  'stallTimeoutMs',
  'defaults',
  'gateway',
  'redis',
  'cache',
];
const PROVIDER_FIELDS = ['kind', 'name', 'apiKeyEnv', 'baseURL', 'models', 'limits', 'promptCaching'];
const CACHE_TTLS = ['5m', '1h'];

/** Reads and validates a config file; every problem names the file and the field. */
export function loadConfig(path: string): CliConfig {
  return validateConfig(readConfigFile(path));
}

/**
 * Reads a config file, loads the plugins it names (paths relative to the file's folder) so the
 * provider kinds they register are known, then validates it. The `spillway` commands read configs so.
 */
export async function loadConfigAndPlugins(path: string): Promise<CliConfig> {
  const value = readConfigFile(path);
  if (isObject(value)) await loadPlugins(validatePlugins(value.plugins) ?? [], dirname(path));
  return validateConfig(value);
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const problem = fileProblem(error) ?? (error as Error).message;
    throw new ConfigError(`cannot read config file ${path}: ${problem}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function validatePlugins(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail('plugins', 'must be an array of module names or paths');
  return value.map((item, index) => text(item, `plugins[${index}]`) as string);
}

function fail(field: string, problem: string): never {
  throw new ConfigError(`${field} ${problem}`, { field });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positive(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    fail(field, `must be a positive number, got ${JSON.stringify(value)}`);
  return value;
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) fail(field, 'must be a non-empty string');
  return value;
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      fail(field ? `${field}.${key}` : key, `is not a known option (expected one of: ${allowed.join(', ')})`);
  }
}

/** Validates a parsed config object. Throws `ConfigError` whose message and `field` point at the problem. */
export function validateConfig(value: unknown): CliConfig {
  if (!isObject(value)) fail('config', 'must be a JSON object');
  unknownKeys(value, TOP_FIELDS, '');
  if (!Array.isArray(value.providers) || value.providers.length === 0)
    fail('providers', 'must be a non-empty array');
  const names = new Set<string>();
  const providers = value.providers.map((item, index) => {
    const provider = validateProvider(item, `providers[${index}]`);
    const name = provider.name ?? provider.kind;
    if (names.has(name))
      fail(`providers[${index}].name`, `"${name}" is used twice; give each provider a unique name`);
    names.add(name);
    return provider;
  });
  const config: CliConfig = { providers };
  const plugins = validatePlugins(value.plugins);
  if (plugins !== undefined) config.plugins = plugins;
  if (value.strategy !== undefined) {
    if (typeof value.strategy !== 'string' || !STRATEGIES.includes(value.strategy))
      fail('strategy', `must be one of ${STRATEGIES.join(', ')}`);
    config.strategy = value.strategy as CliConfig['strategy'];
  }
  const maxAttempts = positive(value.maxAttempts, 'maxAttempts');
  if (maxAttempts !== undefined) {
    if (!Number.isInteger(maxAttempts)) fail('maxAttempts', 'must be a whole number');
    config.maxAttempts = maxAttempts;
  }
  const timeoutMs = positive(value.timeoutMs, 'timeoutMs');
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  for (const field of ['timeToFirstTokenMs', 'stallTimeoutMs'] as const) {
    const ms = positive(value[field], field);
    if (ms !== undefined) config[field] = ms;
  }
  if (value.defaults !== undefined) {
    if (!isObject(value.defaults)) fail('defaults', 'must be an object of request fields');
    config.defaults = value.defaults;
  }
  if (value.gateway !== undefined) config.gateway = value.gateway;
  if (value.redis !== undefined) config.redis = value.redis;
  if (value.cache !== undefined) config.cache = value.cache;
  return config;
}

function validateProvider(value: unknown, field: string): ProviderConfig {
  if (!isObject(value)) fail(field, 'must be an object');
  unknownKeys(value, PROVIDER_FIELDS, field);
  const entry = typeof value.kind === 'string' ? providerKind(value.kind) : undefined;
  if (!entry) fail(`${field}.kind`, `must be one of ${providerKindNames().join(', ')}`);
  const kind = value.kind as ProviderKind;
  const provider: ProviderConfig = { kind };
  const name = text(value.name, `${field}.name`);
  if (name !== undefined) provider.name = name;
  const apiKeyEnv = text(value.apiKeyEnv, `${field}.apiKeyEnv`);
  if (apiKeyEnv !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv))
      fail(`${field}.apiKeyEnv`, 'must be the name of an environment variable, not a key');
    provider.apiKeyEnv = apiKeyEnv;
  }
  const baseURL = text(value.baseURL, `${field}.baseURL`);
  if (baseURL !== undefined) {
    if (!URL.canParse(baseURL)) fail(`${field}.baseURL`, `must be a URL, got "${baseURL}"`);
    provider.baseURL = baseURL;
  }
  if (entry.requiresEndpoint) {
    if (!baseURL) fail(`${field}.baseURL`, `is required for kind ${kind}`);
    if (value.models === undefined) fail(`${field}.models`, `is required for kind ${kind}`);
  }
  if (value.models !== undefined) provider.models = validateModels(value.models, `${field}.models`);
  if (value.limits !== undefined) provider.limits = validateLimits(value.limits, `${field}.limits`);
  if (value.promptCaching !== undefined) {
    if (!entry.promptCaching) {
      const kinds = providerKindNames().filter((name) => providerKind(name)?.promptCaching);
      fail(`${field}.promptCaching`, `is only for kind ${kinds.join(', ')}, not ${kind}`);
    }
    provider.promptCaching = validatePromptCaching(value.promptCaching, `${field}.promptCaching`);
  }
  return provider;
}

function validatePromptCaching(value: unknown, field: string): PromptCaching {
  if (typeof value === 'boolean') return value;
  if (!isObject(value))
    fail(field, `must be true, false or { "ttl": "5m" | "1h" }, got ${JSON.stringify(value)}`);
  unknownKeys(value, ['ttl'], field);
  if (typeof value.ttl !== 'string' || !CACHE_TTLS.includes(value.ttl))
    fail(`${field}.ttl`, `must be "5m" or "1h", got ${JSON.stringify(value.ttl)}`);
  return { ttl: value.ttl as '5m' | '1h' };
}

const MODEL_NUMBER_FIELDS = [
  'capability',
  'inputUsdPerMTok',
  'outputUsdPerMTok',
  'cachedInputUsdPerMTok',
  'cacheWriteUsdPerMTok',
  'cacheWrite1hUsdPerMTok',
  'contextWindow',
] as const;

function validateModels(value: unknown, field: string): NonNullable<ProviderConfig['models']> {
  if (!Array.isArray(value) || value.length === 0) fail(field, 'must be a non-empty array');
  return value.map((model, index) => {
    if (typeof model === 'string' && model.length > 0) return model;
    if (!isObject(model) || typeof model.id !== 'string' || model.id.length === 0)
      fail(`${field}[${index}]`, 'must be a model id or an object with an "id"');
    for (const key of MODEL_NUMBER_FIELDS) {
      if (model[key] !== undefined && (typeof model[key] !== 'number' || (model[key] as number) < 0))
        fail(`${field}[${index}].${key}`, 'must be a non-negative number');
    }
    if (model.limits !== undefined) validateLimits(model.limits, `${field}[${index}].limits`);
    return model as Partial<ModelSpec> & { id: string };
  });
}

function validateLimits(value: unknown, field: string): Limits {
  if (!isObject(value)) fail(field, 'must be an object');
  unknownKeys(value, LIMIT_FIELDS, field);
  const limits: Limits = {};
  for (const key of LIMIT_FIELDS) {
    const number = positive(value[key], `${field}.${key}`);
    if (number !== undefined) limits[key] = number;
  }
  return limits;
}

/** The config's router timeouts, as `createRouter` options. */
export function routerTimeouts(
  config: CliConfig,
): Pick<CliConfig, 'timeoutMs' | 'timeToFirstTokenMs' | 'stallTimeoutMs'> {
  const timeouts: Pick<CliConfig, 'timeoutMs' | 'timeToFirstTokenMs' | 'stallTimeoutMs'> = {};
  for (const field of ['timeoutMs', 'timeToFirstTokenMs', 'stallTimeoutMs'] as const)
    if (config[field]) timeouts[field] = config[field];
  return timeouts;
}
