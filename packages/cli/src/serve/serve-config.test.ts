import { ConfigError } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { cacheOptions, gatewayOptions, redisOptions } from './serve-config.js';

const fieldOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.field;
    throw error;
  }
  return 'no error';
};

describe('serve config', () => {
  it('reads keys from sha256 or from the environment, never from the file itself', () => {
    const options = gatewayOptions(
      { port: 9000, keys: [{ sha256: 'ab'.repeat(32), tenant: 't1' }, { keyEnv: 'TEAM_KEY' }] },
      { TEAM_KEY: 'sk-team-key-123' },
    );
    expect(options).toEqual({
      accessLog: true,
      port: 9000,
      keys: [{ sha256: 'ab'.repeat(32), tenant: 't1' }, { key: 'sk-team-key-123' }],
    });
    expect(fieldOf(() => gatewayOptions({ keys: [{ key: 'sk-in-the-file' }] }, {}))).toBe(
      'gateway.keys[0].key',
    );
    expect(fieldOf(() => gatewayOptions({ keys: [{ keyEnv: 'UNSET' }] }, {}))).toBe('gateway.keys[0].keyEnv');
    expect(fieldOf(() => gatewayOptions({ bogus: 1 }, {}))).toBe('gateway.bogus');
    expect(gatewayOptions({ adminKeys: [{ keyEnv: 'OPS_KEY' }] }, { OPS_KEY: 'sk-ops' }).adminKeys).toEqual([
      { key: 'sk-ops' },
    ]);
    expect(fieldOf(() => gatewayOptions({ adminKeys: [{ keyEnv: 'OPS', tenant: 'x' }] }, { OPS: 'k' }))).toBe(
      'gateway.adminKeys[0].tenant',
    );
    expect(fieldOf(() => gatewayOptions({ unknownModel: 'maybe' }, {}))).toBe('gateway.unknownModel');
    expect(gatewayOptions({ writeTimeoutMs: 10_000 }, {}).writeTimeoutMs).toBe(10_000);
  });

  it('resolves the Redis URL from the environment', () => {
    expect(
      redisOptions({ urlEnv: 'REDIS_URL', prefix: 'gw' }, { REDIS_URL: 'redis://127.0.0.1:6379' }),
    ).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'gw',
    });
    expect(redisOptions(undefined, {})).toBeUndefined();
    expect(fieldOf(() => redisOptions({ url: 'http://x' }, {}))).toBe('redis.url');
    expect(fieldOf(() => redisOptions({ urlEnv: 'NOPE' }, {}))).toBe('redis.urlEnv');
    expect(fieldOf(() => redisOptions({}, {}))).toBe('redis');
  });

  it('reads the response cache: in memory, or on Redis from a URL or the environment', () => {
    expect(cacheOptions({ memory: true }, {})).toEqual({ kind: 'memory' });
    expect(cacheOptions({ memory: { maxEntries: 50, ttlMs: 60_000 } }, {})).toEqual({
      kind: 'memory',
      maxEntries: 50,
      ttlMs: 60_000,
    });
    expect(cacheOptions({ redis: 'redis://127.0.0.1:6379' }, {})).toEqual({
      kind: 'redis',
      url: 'redis://127.0.0.1:6379',
    });
    expect(
      cacheOptions(
        { redis: { urlEnv: 'CACHE_URL', prefix: 'answers', ttlMs: 5_000 } },
        { CACHE_URL: 'redis://r:6379' },
      ),
    ).toEqual({ kind: 'redis', url: 'redis://r:6379', prefix: 'answers', ttlMs: 5_000 });
    expect(fieldOf(() => cacheOptions({ memory: true, redis: 'redis://r' }, {}))).toBe('cache');
    expect(fieldOf(() => cacheOptions({ redis: 'http://r' }, {}))).toBe('cache.redis.url');
    expect(fieldOf(() => cacheOptions({ redis: { urlEnv: 'UNSET' } }, {}))).toBe('cache.redis.urlEnv');
    expect(fieldOf(() => cacheOptions({ memory: { maxEntries: '5' } }, {}))).toBe('cache.memory.maxEntries');
    expect(fieldOf(() => cacheOptions({ disk: true }, {}))).toBe('cache.disk');
  });
});
