import type { BudgetLimits } from '@spillway/core';
import { type DegradedEvent, type RedisStore, redisStore } from '@spillway/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, redisServerBinary, SKIP_REASON, startRedisServer } from './redis-server.js';

const KEY = 'groq/llama-3.1-8b-instant';
const limits: BudgetLimits = { requests: { capacity: 4, windowMs: 3_600_000 } };
// 60 an hour: nothing refills while a test runs, so what is admitted is what the budget handed out.
const sixty: BudgetLimits = { requests: { capacity: 60, windowMs: 3_600_000 } };

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

    // These cases pin decision 0501's margins, which are per admission: leases (one script per slice,
    // decision 2110) are off unless a case turns them on.
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
        leaseMs: 0,
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

      // Redis had 3 of 4 left when this process last heard from it; half of that is its share while degraded.
      const results = await Promise.all([1, 2, 3].map(() => store.reserve(KEY, limits, { requests: 1 }, 0)));
      expect(results.map((result) => result.ok)).toEqual([true, false, false]);
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

    // Four stores with their own connections and fallbacks stand for four worker processes.
    async function group(
      prefix: string,
      count: number,
      options: Partial<Parameters<typeof redisStore>[0]> = {},
    ) {
      const members = Array.from(
        { length: count },
        () => watched(prefix, { degradedShare: 1 / count, ...options }).store,
      );
      // Round robin, one call at a time, like workers taking turns at a shared limit.
      const take = async (attempts: number) => {
        let admitted = 0;
        for (let i = 0; i < attempts; i++) {
          const member = members[i % members.length] as RedisStore;
          if ((await member.reserve(KEY, sixty, { requests: 1 }, 0)).ok) admitted++;
        }
        return admitted;
      };
      return { members, take };
    }

    it('keeps a group inside its limit through an outage and an empty restart', async () => {
      await server.restart();
      const { members, take } = await group('outage', 4);
      // 40 of 60 taken while Redis is up: 20 are left for the rest of the window.
      expect(await take(40)).toBe(40);
      await server.kill();
      // Each fallback starts from the level Redis last reported (about 20) times its share (1/4), not full.
      const duringOutage = await take(80);
      expect(members.every((member) => member.degraded)).toBe(true);
      expect(duringOutage).toBeGreaterThanOrEqual(16);
      expect(duringOutage).toBeLessThanOrEqual(20);

      await server.restart();
      let afterRestart = 0;
      await vi.waitFor(async () => {
        afterRestart += await take(4);
        expect(members.some((member) => member.degraded)).toBe(false);
      });
      // Redis came back empty: the key it lost is not a fresh full bucket, and what was spent during the
      // outage is charged to it. Nothing refills in this window (60 an hour), so nothing more fits.
      afterRestart += await take(40);
      expect(40 + duringOutage + afterRestart).toBeLessThanOrEqual(60);
    });

    it('keeps a leasing group near its limit through an outage and an empty restart', async () => {
      await server.restart();
      const { members, take } = await group('lease-outage', 4, { leaseMs: 60_000 });
      expect(await take(40)).toBe(40);
      // Each member hears from Redis once per slice: what the others took since is the stale-level margin
      // of decision 0501, here at most one slice (1/8 of what was left) per other member.
      const held = members.reduce(
        (sum, member) => sum + (member.inspect(KEY, sixty, 0).requests?.available ?? 0),
        0,
      );
      await server.kill();
      const duringOutage = await take(80);
      expect(members.every((member) => member.degraded)).toBe(true);
      expect(duringOutage).toBeGreaterThanOrEqual(16);
      expect(duringOutage).toBeLessThanOrEqual(20 + 3 * Math.ceil(20 / 8));
      await server.restart();
      let afterRestart = 0;
      await vi.waitFor(async () => {
        afterRestart += await take(4);
        expect(members.some((member) => member.degraded)).toBe(false);
      });
      afterRestart += await take(40);
      expect(held).toBeGreaterThan(0);
      expect(40 + duringOutage + afterRestart).toBeLessThanOrEqual(60 + 3 * Math.ceil(20 / 8));
    });

    it('charges what a cut-off process spent, once, when it reconnects to a Redis that kept its state', async () => {
      await server.restart();
      const clients = [0, 1].map(() => createClient(server.url));
      const [a, b] = clients.map(
        (client) => watched('partition', { client, degradedShare: 1 / 2 }).store,
      ) as [RedisStore, RedisStore];
      for (let i = 0; i < 20; i++) await a.reserve(KEY, sixty, { requests: 1 }, 0);
      // Only `a` loses its connection: its fallback starts at half of the 40 left.
      clients[0]?.disconnect();
      await vi.waitFor(() => expect(clients[0]?.status).toBe('end'));
      let cutOff = 0;
      for (let i = 0; i < 30; i++) if ((await a.reserve(KEY, sixty, { requests: 1 }, 0)).ok) cutOff++;
      expect(a.degraded).toBe(true);
      expect(cutOff).toBe(20);
      await clients[0]?.connect();
      await vi.waitFor(async () => {
        await a.inspect(KEY, sixty, 0);
        expect(await a.reserve(KEY, sixty, { requests: 1 }, 0)).toMatchObject({ ok: true });
        expect(a.degraded).toBe(false);
      });
      // Redis had 40 left; `a` spent 20 while cut off and 1 since: 19 remain for `b`, not 39 (spending
      // forgotten) nor 9 (the 20 spent before the cut counted twice).
      let admitted = 0;
      for (let i = 0; i < 30; i++) if ((await b.reserve(KEY, sixty, { requests: 1 }, 0)).ok) admitted++;
      expect(admitted).toBe(19);
      for (const client of clients) client.disconnect();
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

// A client configured like the store's own (fails fast while disconnected), that a test can cut off.
function createClient(url: string): Redis {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: false });
  client.on('error', () => {});
  return client;
}
