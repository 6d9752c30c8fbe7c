import type { ResponseCache } from '@spillway/core';
import { ConfigError } from '@spillway/core';
import type { Cluster, Redis } from 'ioredis';
import { REDIS_CACHE_DEFAULTS } from './defaults.js';
import { createClient, withTimeout } from './redis-client.js';
import { RedisHealth } from './redis-health.js';

export type RedisCacheOptions = {
  /** A client you configured (`Redis` or `Cluster`); the cache leaves it open on `close()`. */
  client?: Redis | Cluster;
  /** Or a URL (`redis://host:6379/0`): the cache makes a client that fails fast, and closes it. */
  url?: string;
  /** Namespace for keys; processes that share answers use the same one. Default `spillway:cache`. */
  prefix?: string;
  /** How long an answer is kept (Redis expires it). Default one hour. */
  ttlMs?: number;
  /** A command slower than this counts as Redis being down. Default 250. */
  commandTimeoutMs?: number;
  /** After a failure, how long the cache is skipped before Redis is tried again. Default 1000. */
  probeIntervalMs?: number;
  /** How long the first calls wait for the first connection. Default 2000. */
  connectTimeoutMs?: number;
};

export type RedisCache = ResponseCache & {
  readonly kind: 'redis';
  /** True while Redis is unreachable (the router then answers without the cache). */
  readonly degraded: boolean;
  close(): Promise<void>;
};

/**
 * A response cache in Redis, shared by every process that uses the same Redis and prefix: one GET per
 * lookup, one SET with PX per stored answer. When Redis fails, calls reject at once (for
 * `probeIntervalMs`, then one tries again), and the router goes on without the cache.
 */
export function redisCache(options: RedisCacheOptions): RedisCache {
  if (options.client === undefined && options.url === undefined)
    throw new ConfigError('redisCache: pass `client` or `url`', { field: 'url' });
  const prefix = options.prefix ?? REDIS_CACHE_DEFAULTS.prefix;
  const ttlMs = positive(options.ttlMs, REDIS_CACHE_DEFAULTS.ttlMs, 'ttlMs');
  const timeoutMs = positive(
    options.commandTimeoutMs,
    REDIS_CACHE_DEFAULTS.commandTimeoutMs,
    'commandTimeoutMs',
  );
  const connectTimeoutMs = positive(
    options.connectTimeoutMs,
    REDIS_CACHE_DEFAULTS.connectTimeoutMs,
    'connectTimeoutMs',
  );
  const owned = options.client === undefined;
  const client = options.client ?? createClient(options.url, connectTimeoutMs);
  const health = new RedisHealth(client, {
    probeIntervalMs: positive(
      options.probeIntervalMs,
      REDIS_CACHE_DEFAULTS.probeIntervalMs,
      'probeIntervalMs',
    ),
    connectTimeoutMs,
  });
  const keyOf = (key: string) => `${prefix}:${key}`;

  async function call<T>(command: () => Promise<T>): Promise<T> {
    if (health.startup) await health.startup;
    if (!health.canTry()) throw new Error('Redis is unreachable (the cache tries again shortly)');
    try {
      const value = await withTimeout(command(), timeoutMs);
      health.succeeded();
      return value;
    } catch (error) {
      health.failed(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  return {
    kind: 'redis',
    get degraded() {
      return health.degraded;
    },
    get: (key) => call(async () => (await client.get(keyOf(key))) ?? undefined),
    async set(key, value, ttl) {
      await call(() => client.set(keyOf(key), value, 'PX', Math.max(1, Math.round(ttl ?? ttlMs))));
    },
    async close() {
      health.dispose();
      if (owned && client.status !== 'end')
        await withTimeout(client.quit(), timeoutMs).catch(() => client.disconnect());
    },
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value > 0))
    throw new ConfigError(`redisCache: ${name} must be a positive number`, { field: name });
  return value;
}
