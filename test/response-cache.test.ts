import { memoryCache } from '@spillway/core';
import { type RedisCache, redisCache } from '@spillway/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { type RedisServer, redisServerBinary, SKIP_REASON, startRedisServer } from './redis-server.js';
import { describeResponseCache } from './response-cache-suite.js';

describeResponseCache('memory', async () => {
  const cache = memoryCache();
  return {
    cache,
    async put(key, value) {
      cache.set(key, value);
    },
  };
});

describe.skipIf(!redisServerBinary)(`redisCache${redisServerBinary ? '' : ` (${SKIP_REASON})`}`, () => {
  let server: RedisServer;
  let admin: Redis;
  const caches: RedisCache[] = [];
  let run = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    admin.on('error', () => {});
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(caches.map((cache) => cache.close()));
    admin?.disconnect();
    await server?.stop();
  });

  describeResponseCache('redis', async () => {
    const prefix = `cache-test-${++run}`;
    const cache = redisCache({ url: server.url, prefix, probeIntervalMs: 60_000 });
    caches.push(cache);
    return {
      cache,
      async put(key, value) {
        await admin.set(`${prefix}:${key}`, value);
      },
      outage: {
        begin: () => server.kill(),
        async end() {
          await server.restart();
          await admin.ping().catch(() => {});
        },
      },
    };
  });
});
