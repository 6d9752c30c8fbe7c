import { ConfigError } from '@spillway/core';
import { type Cluster, Redis } from 'ioredis';
import type { Script } from './scripts.js';

export function createClient(url: string | undefined, connectTimeoutMs: number): Redis {
  if (url === undefined) throw new ConfigError('redisStore: pass `client` or `url`', { field: 'url' });
  const client = new Redis(url, {
    // Fail at once rather than queue while disconnected: the store then answers from its fallback.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 1_000),
  });
  // Outages surface through `degraded`; without a listener ioredis would print every reconnect error.
  client.on('error', () => {});
  return client;
}

export async function evaluate<T>(
  client: Redis | Cluster,
  script: Script,
  keys: string[],
  args: string[],
): Promise<T> {
  try {
    return (await client.evalsha(script.sha, keys.length, ...keys, ...args)) as T;
  } catch (error) {
    // A restarted (or flushed) server has lost its script cache: EVAL loads the script again.
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return (await client.eval(script.lua, keys.length, ...keys, ...args)) as T;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
