import type { BudgetLimits } from '@spillway/core';
import { type DegradedEvent, type RedisStore, redisStore } from '@spillway/redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, redisServerBinary, SKIP_REASON, startRedisServer } from './redis-server.js';

const KEY = 'groq/llama-3.1-8b-instant';
const limits: BudgetLimits = { requests: { capacity: 4, windowMs: 3_600_000 } };

// One server for the file, killed and restarted in sequence: the tests run in order.
describe.skipIf(!redisServerBinary)(
  `redisStore when Redis fails${redisServerBinary ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let server: RedisServer;
    const stores: RedisStore[] = [];
    afterAll(async () => {
      await Promise.all(stores.map((store) => store.close()));
      await server?.stop();
    });
    beforeAll(async () => {
      server = await startRedisServer();
    });

    function watched(prefix: string, options: Partial<Parameters<typeof redisStore>[0]> = {}) {
      const warnings: string[] = [];
      const degraded: DegradedEvent[] = [];
      const recovered: unknown[] = [];
      const store = redisStore({
        url: server.url,
        prefix,
        probeIntervalMs: 20,
        commandTimeoutMs: 100,
        logger: { warn: (message) => warnings.push(message) },
        onDegraded: (event) => degraded.push(event),
        ...options,
      });
      store.on('recovered', (event) => recovered.push(event));
      stores.push(store);
      return { store, warnings, degraded, recovered };
    }

    it('never hangs on a frozen server: times out, degrades, and recovers when it thaws', async () => {
      const { store, degraded, recovered } = watched('frozen');
      expect(await store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: true });
      server.pause();
      try {
        // Answered locally after the command timeout; the fallback has its own full bucket.
        expect(await store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: true });
        expect(store.degraded).toBe(true);
        expect(degraded).toHaveLength(1);
      } finally {
        server.resume();
      }
      await vi.waitFor(async () => {
        await store.reserve(KEY, limits, { requests: 1 }, 0);
        expect(store.degraded).toBe(false);
      });
      expect(recovered).toHaveLength(1);
    });

    it('falls back to per-process limits when Redis dies, warning once, and loses no call', async () => {
      const { store, warnings, degraded } = watched('killed', { degradedShare: 0.5 });
      const throwing = watched('killed', {
        onDegraded: () => {
          throw new Error('listener bug');
        },
      });
      expect(await store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: true });
      expect(await throwing.store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: true });
      await server.kill();

      // Half of the 4-request limit is this process's share while degraded.
      const results = await Promise.all([1, 2, 3].map(() => store.reserve(KEY, limits, { requests: 1 }, 0)));
      expect(results.map((result) => result.ok)).toEqual([true, true, false]);
      await store.settle(KEY, limits, { requests: 1 }, { requests: 1 }, 0);
      await store.observe(KEY, { requests: { limit: 4, remaining: 0 } }, 0);
      expect(await store.setCooldown(KEY, 1_000, 0)).toBe(1_000);
      expect(store.cooldownUntil(KEY, 0)).toBe(1_000);
      expect(store.inspect(KEY, limits, 0).requests).toEqual({ capacity: 2, available: 0 });
      expect(store.degraded).toBe(true);
      expect(degraded).toHaveLength(1);
      expect(warnings.filter((message) => message.includes('degraded'))).toHaveLength(1);
      // A listener that throws breaks nothing.
      expect(await throwing.store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: true });
      expect(throwing.store.degraded).toBe(true);
    });

    it('recovers when Redis comes back empty: scripts reloaded, budgets rebuilt', async () => {
      const { store, degraded, recovered } = watched('restarted');
      await server.kill();
      expect(await store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: true });
      expect(degraded).toHaveLength(1);
      await server.restart();
      await vi.waitFor(async () => {
        await store.reserve(KEY, limits, { requests: 1 }, 0);
        expect(store.degraded).toBe(false);
      });
      expect(recovered).toHaveLength(1);
      // Shared again: a second process sees what the first took since recovery.
      const other = watched('restarted').store;
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => other.reserve(KEY, limits, { requests: 1 }, 0)),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(3);
      expect(other.degraded).toBe(false);
    });

    it('starts against a server that is not there, answering locally instead of waiting', async () => {
      const port = server.port;
      await server.kill();
      const { store, degraded } = watched('absent', {
        url: `redis://127.0.0.1:${port}`,
        connectTimeoutMs: 200,
      });
      expect(await store.reserve(KEY, limits, { requests: 1 }, 0)).toMatchObject({ ok: true });
      expect(degraded).toHaveLength(1);
      await server.restart();
    });
  },
);
