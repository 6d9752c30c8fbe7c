import { ConfigError, type ModelAlias } from '@spillway/core';
import type { GatewayOptions, VirtualKey } from '@spillway/gateway';

/** The `gateway` section of a config file (`spillway serve`). */
export type GatewaySection = {
  port?: number;
  host?: string;
  /** `{ sha256 }` or `{ keyEnv }` (the key is read from that environment variable), each with an optional tenant. */
  keys?: Array<{ sha256?: string; keyEnv?: string; tenant?: string }>;
  /** Keys `/metrics`, `/status` and `/dashboard` then require (same forms as `keys`, no tenant). */
  adminKeys?: Array<{ sha256?: string; keyEnv?: string }>;
  allowAnonymous?: boolean;
  aliases?: Record<string, ModelAlias>;
  unknownModel?: 'error' | 'auto';
  maxBodyBytes?: number;
  requestTimeoutMs?: number;
  writeTimeoutMs?: number;
  drainTimeoutMs?: number;
  /** JSON access log lines on stdout. Default true. */
  accessLog?: boolean;
};

/** The `redis` section: limits, cooldowns and breakers shared by every gateway on the same Redis. */
export type RedisSection = { url?: string; urlEnv?: string; prefix?: string };

const GATEWAY_FIELDS = [
  'port',
  'host',
  'keys',
  'adminKeys',
  'allowAnonymous',
  'aliases',
  'unknownModel',
  'maxBodyBytes',
  'requestTimeoutMs',
  'writeTimeoutMs',
  'drainTimeoutMs',
  'accessLog',
];
const KEY_FIELDS = ['sha256', 'keyEnv', 'tenant'];
const CACHE_FIELDS = ['memory', 'redis'];
const MEMORY_CACHE_FIELDS = ['maxEntries', 'maxBytes', 'ttlMs'];
const REDIS_CACHE_FIELDS = ['url', 'urlEnv', 'prefix', 'ttlMs'];
const REDIS_FIELDS = ['url', 'urlEnv', 'prefix'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fail(field: string, problem: string): never {
  throw new ConfigError(`${field} ${problem}`, { field });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKnown(value: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key))
      fail(`${field}.${key}`, `is not a known option (expected one of: ${allowed.join(', ')})`);
}

/** Validates the `gateway` section; keys given as `keyEnv` are read from `env` here. */
export function gatewayOptions(
  section: unknown,
  env: NodeJS.ProcessEnv,
): Omit<GatewayOptions, 'router'> & { accessLog: boolean } {
  if (section === undefined) return { accessLog: true };
  if (!isObject(section)) fail('gateway', 'must be an object');
  onlyKnown(section, GATEWAY_FIELDS, 'gateway');
  const options: Omit<GatewayOptions, 'router'> & { accessLog: boolean } = {
    accessLog: section.accessLog !== false,
  };
  if (section.accessLog !== undefined && typeof section.accessLog !== 'boolean')
    fail('gateway.accessLog', 'must be true or false');
  if (section.port !== undefined) options.port = section.port as number;
  if (section.host !== undefined) {
    if (typeof section.host !== 'string' || !section.host)
      fail('gateway.host', 'must be a host name or address');
    options.host = section.host;
  }
  if (section.allowAnonymous !== undefined) {
    if (typeof section.allowAnonymous !== 'boolean') fail('gateway.allowAnonymous', 'must be true or false');
    options.allowAnonymous = section.allowAnonymous;
  }
  if (section.aliases !== undefined) {
    if (!isObject(section.aliases)) fail('gateway.aliases', 'must be an object of routing choices');
    options.aliases = section.aliases as Record<string, ModelAlias>;
  }
  if (section.unknownModel !== undefined) {
    if (section.unknownModel !== 'error' && section.unknownModel !== 'auto')
      fail('gateway.unknownModel', 'must be "error" or "auto"');
    options.unknownModel = section.unknownModel;
  }
  // Numbers are checked by startGateway, which names the same fields.
  for (const field of ['maxBodyBytes', 'requestTimeoutMs', 'writeTimeoutMs', 'drainTimeoutMs'] as const)
    if (section[field] !== undefined) options[field] = section[field] as number;
  if (section.keys !== undefined) options.keys = virtualKeys(section.keys, env, 'gateway.keys', KEY_FIELDS);
  if (section.adminKeys !== undefined)
    options.adminKeys = virtualKeys(section.adminKeys, env, 'gateway.adminKeys', ['sha256', 'keyEnv']);
  return options;
}

function virtualKeys(
  value: unknown,
  env: NodeJS.ProcessEnv,
  name: string,
  fields: readonly string[],
): VirtualKey[] {
  if (!Array.isArray(value)) fail(name, 'must be an array of { sha256 } or { keyEnv }');
  return value.map((entry, index) => {
    const field = `${name}[${index}]`;
    if (!isObject(entry)) fail(field, 'must be an object');
    onlyKnown(entry, fields, field);
    const tenant = entry.tenant === undefined ? {} : { tenant: entry.tenant as string };
    if ((entry.sha256 === undefined) === (entry.keyEnv === undefined))
      fail(field, 'must have exactly one of "sha256" or "keyEnv" (a key itself never goes in a config file)');
    if (entry.sha256 !== undefined) return { sha256: entry.sha256 as string, ...tenant };
    if (typeof entry.keyEnv !== 'string' || !ENV_NAME.test(entry.keyEnv))
      fail(`${field}.keyEnv`, 'must be the name of an environment variable');
    const key = env[entry.keyEnv];
    if (!key) fail(`${field}.keyEnv`, `names ${entry.keyEnv}, which is not set`);
    return { key, ...tenant };
  });
}

/** Validates the `redis` section and resolves its URL. */
export function redisOptions(
  section: unknown,
  env: NodeJS.ProcessEnv,
): { url: string; prefix?: string } | undefined {
  if (section === undefined) return undefined;
  if (!isObject(section)) fail('redis', 'must be an object');
  onlyKnown(section, REDIS_FIELDS, 'redis');
  return redisLocation(section, env, 'redis');
}

function redisLocation(
  section: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  field: string,
): { url: string; prefix?: string } {
  if ((section.url === undefined) === (section.urlEnv === undefined))
    fail(field, 'must have exactly one of "url" or "urlEnv"');
  let url: unknown = section.url;
  if (section.urlEnv !== undefined) {
    if (typeof section.urlEnv !== 'string' || !ENV_NAME.test(section.urlEnv))
      fail(`${field}.urlEnv`, 'must be the name of an environment variable');
    url = env[section.urlEnv];
    if (!url) fail(`${field}.urlEnv`, `names ${section.urlEnv}, which is not set`);
  }
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url))
    fail(`${field}.url`, 'must be a redis:// or rediss:// URL');
  if (section.prefix !== undefined && (typeof section.prefix !== 'string' || !section.prefix))
    fail(`${field}.prefix`, 'must be a non-empty string');
  return { url, ...(section.prefix ? { prefix: section.prefix as string } : {}) };
}

/** The response cache `spillway serve` gives the router: in this process, or shared through Redis. */
export type CacheChoice =
  | { kind: 'memory'; maxEntries?: number; maxBytes?: number; ttlMs?: number }
  | { kind: 'redis'; url: string; prefix?: string; ttlMs?: number };

/**
 * Validates the `cache` section: `{ "memory": true | { maxEntries, maxBytes, ttlMs } }`, or
 * `{ "redis": "redis://…" | { url | urlEnv, prefix, ttlMs } }` (replicas on one Redis and prefix
 * share their answers). Numbers are checked by `memoryCache` / `redisCache`, which name them.
 */
export function cacheOptions(section: unknown, env: NodeJS.ProcessEnv): CacheChoice | undefined {
  if (section === undefined) return undefined;
  if (!isObject(section)) fail('cache', 'must be an object');
  onlyKnown(section, CACHE_FIELDS, 'cache');
  if ((section.memory === undefined) === (section.redis === undefined))
    fail('cache', 'must have exactly one of "memory" or "redis"');
  const numbers = (from: Record<string, unknown>, fields: readonly string[], field: string) => {
    const picked: Record<string, number> = {};
    for (const name of fields) {
      const value = from[name];
      if (value === undefined || name === 'url' || name === 'urlEnv' || name === 'prefix') continue;
      if (typeof value !== 'number') fail(`${field}.${name}`, 'must be a number');
      picked[name] = value;
    }
    return picked;
  };
  if (section.memory !== undefined) {
    if (section.memory === true) return { kind: 'memory' };
    if (!isObject(section.memory)) fail('cache.memory', 'must be true or { maxEntries, maxBytes, ttlMs }');
    onlyKnown(section.memory, MEMORY_CACHE_FIELDS, 'cache.memory');
    return { kind: 'memory', ...numbers(section.memory, MEMORY_CACHE_FIELDS, 'cache.memory') };
  }
  const redis = typeof section.redis === 'string' ? { url: section.redis } : section.redis;
  if (!isObject(redis)) fail('cache.redis', 'must be a redis:// URL or { url | urlEnv, prefix, ttlMs }');
  onlyKnown(redis, REDIS_CACHE_FIELDS, 'cache.redis');
  return {
    kind: 'redis',
    ...redisLocation(redis, env, 'cache.redis'),
    ...numbers(redis, REDIS_CACHE_FIELDS, 'cache.redis'),
  };
}
