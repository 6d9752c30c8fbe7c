import { ConfigError, type ModelAlias } from '@spillway/core';
import type { GatewayOptions, VirtualKey } from '@spillway/gateway';

/** The `gateway` section of a config file (`spillway serve`). */
export type GatewaySection = {
  port?: number;
  host?: string;
  /** `{ sha256 }` or `{ keyEnv }` (the key is read from that environment variable), each with an optional tenant. */
  keys?: Array<{ sha256?: string; keyEnv?: string; tenant?: string }>;
  allowAnonymous?: boolean;
  aliases?: Record<string, ModelAlias>;
  unknownModel?: 'error' | 'auto';
  maxBodyBytes?: number;
  requestTimeoutMs?: number;
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
  'allowAnonymous',
  'aliases',
  'unknownModel',
  'maxBodyBytes',
  'requestTimeoutMs',
  'drainTimeoutMs',
  'accessLog',
];
const KEY_FIELDS = ['sha256', 'keyEnv', 'tenant'];
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
  for (const field of ['maxBodyBytes', 'requestTimeoutMs', 'drainTimeoutMs'] as const)
    if (section[field] !== undefined) options[field] = section[field] as number;
  if (section.keys !== undefined) options.keys = virtualKeys(section.keys, env);
  return options;
}

function virtualKeys(value: unknown, env: NodeJS.ProcessEnv): VirtualKey[] {
  if (!Array.isArray(value)) fail('gateway.keys', 'must be an array of { sha256 } or { keyEnv }');
  return value.map((entry, index) => {
    const field = `gateway.keys[${index}]`;
    if (!isObject(entry)) fail(field, 'must be an object');
    onlyKnown(entry, KEY_FIELDS, field);
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
  if ((section.url === undefined) === (section.urlEnv === undefined))
    fail('redis', 'must have exactly one of "url" or "urlEnv"');
  let url: unknown = section.url;
  if (section.urlEnv !== undefined) {
    if (typeof section.urlEnv !== 'string' || !ENV_NAME.test(section.urlEnv))
      fail('redis.urlEnv', 'must be the name of an environment variable');
    url = env[section.urlEnv];
    if (!url) fail('redis.urlEnv', `names ${section.urlEnv}, which is not set`);
  }
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url))
    fail('redis.url', 'must be a redis:// or rediss:// URL');
  if (section.prefix !== undefined && (typeof section.prefix !== 'string' || !section.prefix))
    fail('redis.prefix', 'must be a non-empty string');
  return { url, ...(section.prefix ? { prefix: section.prefix as string } : {}) };
}
