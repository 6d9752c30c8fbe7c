import type { BudgetLimits } from '@spillway/core';
import { type RedisStore, redisStore } from '@spillway/redis';
import { runStoreConformance } from '@spillway/testing/conformance';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RedisServer,
  redisServerBinary,
  SKIP_REASON,
  startRedisServer,
  VALKEY_SKIP_REASON,
  valkeyServerBinary,
} from './redis-server.js';

const KEY = 'openai/gpt-4o-mini';
const HOUR = 3_600_000;
// An hour-long window refills ~0.01 requests a second: nothing refills while a test runs.
const slow: BudgetLimits = {
  requests: { capacity: 50, windowMs: HOUR },
  tokens: { capacity: 1_000, windowMs: HOUR },
};

// The same cases on every server binary installed: redis-server always (CI installs it), valkey-server
// where the machine has it.
const servers = [
  { name: 'redis-server', binary: redisServerBinary, skip: SKIP_REASON },
  { name: 'valkey-server', binary: valkeyServerBinary, skip: VALKEY_SKIP_REASON },
];

describe.each(servers)('redisStore against a real $name', ({ binary, skip }) => {
  if (!binary) {
    it.skip(skip, () => {});
    return;
  }
  let server: RedisServer;
  let admin: Redis;
  const stores: RedisStore[] = [];
  let prefix = '';
  let run = 0;

  function store(options: Partial<Parameters<typeof redisStore>[0]> = {}): RedisStore {
    const created = redisStore({ url: server.url, prefix, ...options });
    stores.push(created);
    return created;
  }

  beforeAll(async () => {
    server = await startRedisServer(binary);
    admin = new Redis(server.url, { lazyConnect: true });
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(stores.map((created) => created.close()));
    admin.disconnect();
    await server?.stop();
  });
  beforeEach(() => {
    prefix = `t${++run}`;
  });

  // Redis refills by the server's clock: to make time pass, move every bucket's timestamp back and
  // shorten every cooldown's TTL by as much.
  async function elapse(ms: number): Promise<void> {
    for (const key of await admin.keys(`{${prefix}:*`)) {
      const ttl = await admin.pttl(key);
      if (key.endsWith(':cooldown')) {
        if (ttl > ms) await admin.pexpire(key, ttl - ms);
        else await admin.del(key);
        continue;
      }
      const buckets = JSON.parse((await admin.get(key)) ?? '[]') as Array<{ t: number }>;
      for (const bucket of buckets) bucket.t -= ms;
      await admin.set(key, JSON.stringify(buckets), 'PX', Math.max(ttl, 1));
    }
  }

  runStoreConformance({
    name: 'redisStore()',
    makeStore: () => ({ store: store(), elapse }),
    // The server's clock runs while a case does: a loaded machine may take a second or so.
    clockDriftMs: 2_000,
  });

  it('reserves all or nothing, atomically, across processes sharing one budget', async () => {
    const [a, b] = [store(), store()];
    const amounts = { requests: 1, tokens: 10 };
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).reserve(KEY, slow, amounts, 0)),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(50);
    const refused = results.find((result) => !result.ok);
    expect(refused).toMatchObject({ ok: false, dimension: 'requests' });
    // Tokens were taken only for the 50 admitted calls.
    await a.reserve(KEY, slow, { tokens: 1 }, 0);
    expect(a.inspect(KEY, slow, 0).tokens?.available).toBeCloseTo(499, 0);
  });

  it('lowers a remaining count by what is pending, for every process', async () => {
    const a = store();
    await a.observe(KEY, { tokens: { limit: 1_000, remaining: 300, pending: 200, windowMs: HOUR } }, 0);
    const b = store();
    await b.reserve(KEY, slow, { tokens: 1 }, 0);
    expect(b.inspect(KEY, slow, 0).tokens?.available).toBeCloseTo(99, 0);
  });

  it("refills by the server's clock, not the callers'", async () => {
    const a = store();
    const tight: BudgetLimits = { requests: { capacity: 2, windowMs: HOUR } };
    await a.reserve(KEY, tight, { requests: 2 }, 0);
    // A caller whose clock runs a day ahead gets no refill from it.
    const refused = await a.reserve(KEY, tight, { requests: 1 }, 86_400_000);
    expect(refused).toMatchObject({ ok: false, dimension: 'requests' });
    expect(refused.ok || refused.retryInMs).toBeGreaterThan(HOUR / 2 - 1_000);
    // Move the bucket's timestamp half a window back in server time: one request has refilled.
    const budgetKey = `{${prefix}:${KEY}}:budget`;
    const [seconds] = (await admin.time()) as [number, number];
    const buckets = JSON.parse((await admin.get(budgetKey)) ?? '[]') as Array<{ t: number }>;
    for (const bucket of buckets) bucket.t = Number(seconds) * 1000 - HOUR / 2;
    await admin.set(budgetKey, JSON.stringify(buckets), 'PX', HOUR);
    expect(await a.reserve(KEY, tight, { requests: 1 }, 0)).toMatchObject({ ok: true });
    expect(await a.reserve(KEY, tight, { requests: 1 }, 0)).toMatchObject({ ok: false });
  });

  it('settles to real usage for every process', async () => {
    const [a, b] = [store(), store()];
    await a.reserve(KEY, slow, { requests: 1, tokens: 600 }, 0);
    await a.settle(KEY, slow, { requests: 1, tokens: 600 }, { requests: 1, tokens: 100 }, 0);
    expect(await b.reserve(KEY, slow, { requests: 1, tokens: 850 }, 0)).toMatchObject({ ok: true });
    // An overrun is a debt everyone waits for.
    await b.settle(KEY, slow, { requests: 1, tokens: 850 }, { requests: 1, tokens: 1_900 }, 0);
    const refused = await a.reserve(KEY, slow, { requests: 1, tokens: 1 }, 0);
    expect(refused).toMatchObject({ ok: false, dimension: 'tokens' });
    expect(refused.ok || refused.retryInMs).toBeGreaterThan(HOUR);
  });

  it('shares learned limits: one worker’s headers inform all', async () => {
    const [a, b] = [store(), store()];
    await a.observe(KEY, { requests: { limit: 3, remaining: 1 } }, 0);
    const admitted = await b.reserve(KEY, slow, { requests: 1 }, 0);
    expect(admitted.ok && admitted.headroom).toBeCloseTo(0, 2);
    expect(await b.reserve(KEY, slow, { requests: 1 }, 0)).toMatchObject({
      ok: false,
      dimension: 'requests',
    });
    expect(b.inspect(KEY, slow, 0).requests?.capacity).toBe(3);
    // The configured 50 does not override what the provider said.
    expect(await a.reserve(KEY, slow, { requests: 1 }, 0)).toMatchObject({ ok: false });
  });

  it('shares cooldowns: a later deadline wins, a shorter one never shortens it', async () => {
    const [a, b] = [store(), store()];
    expect(await a.setCooldown(KEY, 5_000, 0)).toBe(5_000);
    expect(await a.setCooldown(KEY, 1_000, 0)).toBe(5_000);
    expect(await b.setCooldown(KEY, 2_000, 0)).toBeGreaterThan(4_000);
    expect(await admin.pttl(`{${prefix}:${KEY}}:cooldown`)).toBeGreaterThan(4_000);
    // The other process learns of it on its next reservation, which Redis refuses.
    const refused = await b.reserve(KEY, slow, { requests: 1 }, 100_000);
    expect(refused).toMatchObject({ ok: false, dimension: 'requests' });
    expect(refused.ok || refused.retryInMs).toBeGreaterThan(4_000);
    expect(b.cooldownUntil(KEY, 100_000)).toBeGreaterThan(104_000);
    expect(await b.setCooldown(KEY, 109_000, 100_000)).toBe(109_000);
    expect(await admin.pttl(`{${prefix}:${KEY}}:cooldown`)).toBeGreaterThan(8_000);
  });

  it('keeps one budget in one hash slot and lets idle keys expire', async () => {
    const a = store();
    await a.reserve(KEY, { requests: { capacity: 5, windowMs: 2_000 } }, { requests: 1 }, 0);
    await a.setCooldown(KEY, 3_000, 0);
    const keys = (await admin.keys(`{${prefix}:*`)).sort();
    expect(keys).toEqual([`{${prefix}:${KEY}}:budget`, `{${prefix}:${KEY}}:cooldown`]);
    const ttl = await admin.pttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2_000);
  });

  // Leases (decision 2110): a process takes a slice of each bucket in one script and spends it locally.
  const budgetOf = async (key = KEY) =>
    JSON.parse((await admin.get(`{${prefix}:${key}}:budget`)) ?? '[]') as Array<{
      d: string;
      l: number;
      h?: Record<string, { u: number; e: number }>;
    }>;
  // Sequential calls give the store a rate; within a few, it holds a slice and answers synchronously.
  async function untilLeased(target: RedisStore, limits: BudgetLimits, now = 0, key = KEY): Promise<number> {
    let admitted = 0;
    for (let i = 0; i < 20; i++) {
      const result = target.reserve(key, limits, { requests: 1 }, now);
      if (!(result instanceof Promise)) return admitted + (result.ok ? 1 : 0);
      if ((await result).ok) admitted++;
    }
    throw new Error('no slice was leased in 20 calls');
  }

  it('leases a slice: later admissions need no round trip, and what is left goes back on close', async () => {
    const a = redisStore({ url: server.url, prefix });
    const admitted = await untilLeased(a, slow);
    const [requests] = await budgetOf();
    const held = Object.values(requests?.h ?? {});
    expect(held).toHaveLength(1);
    // At most an eighth of what was left after the call that asked.
    expect(held[0]?.u).toBeGreaterThan(0);
    expect(held[0]?.u).toBeLessThanOrEqual(Math.floor((50 - admitted) / 8) + 1);
    // Stats count the slice as this process's.
    expect(a.inspect(KEY, slow, 0).requests?.available).toBeCloseTo(50 - admitted, 0);
    await a.close();
    const [after] = await budgetOf();
    expect(after?.l).toBeCloseTo(50 - admitted, 0);
    expect(after?.h).toBeUndefined();
  });

  it('shrinks slices near the limit: two processes together admit exactly the limit', async () => {
    const [a, b] = [store(), store()];
    let admitted = 0;
    for (let i = 0; i < 80; i++)
      if ((await (i % 2 ? a : b).reserve(KEY, slow, { requests: 1 }, 0)).ok) admitted++;
    await Promise.all([a.close(), b.close()]);
    const [requests] = await budgetOf();
    expect(admitted).toBeLessThanOrEqual(50);
    expect(admitted + (requests?.l ?? 0)).toBeCloseTo(50, 0);
  });

  it('sees another process’s cooldown when its slice ends, and settles an overrun out of the slice', async () => {
    const [a, b] = [store({ leaseMs: 1_000 }), store()];
    await untilLeased(a, slow, 10_000);
    await b.setCooldown(KEY, 5_000, 0);
    // Within the slice's life the cooldown is not known here yet (the delay is at most `leaseMs`) …
    expect(a.reserve(KEY, slow, { requests: 1 }, 10_000)).toMatchObject({ ok: true });
    // … and after it, the renewal hears it.
    const refused = await a.reserve(KEY, slow, { requests: 1 }, 11_001);
    expect(refused).toMatchObject({ ok: false, dimension: 'requests' });
    expect(a.cooldownUntil(KEY, 11_001)).toBeGreaterThan(11_001);

    const c = store();
    const other = 'openai/gpt-5.4';
    await untilLeased(c, slow, 0, other);
    // A call that used far more tokens than it reserved: the slice is not spent past the debt.
    await c.settle(other, slow, { requests: 1 }, { requests: 1, tokens: 5_000 }, 0);
    expect(await c.reserve(other, slow, { requests: 1, tokens: 1 }, 0)).toMatchObject({
      ok: false,
      dimension: 'tokens',
    });
  });

  it('counts units others hold in slices when a provider reports what remains', async () => {
    const a = store();
    await untilLeased(a, slow);
    const [before] = await budgetOf();
    const held = Object.values(before?.h ?? {}).reduce((sum, lease) => sum + lease.u, 0);
    expect(held).toBeGreaterThan(0);
    const b = store();
    await b.observe(KEY, { requests: { limit: 50, remaining: 30, windowMs: HOUR } }, 0);
    const [after] = await budgetOf();
    expect(after?.l).toBeCloseTo(30 - held, 0);
  });

  it('takes only the unspent part of a slice off a reported remaining: calls sent from it are counted once', async () => {
    const a = store();
    await untilLeased(a, slow);
    const [granted] = await budgetOf();
    const held = Object.values(granted?.h ?? {}).reduce((sum, lease) => sum + lease.u, 0);
    expect(held).toBeGreaterThanOrEqual(3);
    // Three calls from the slice (the one that found it and two more), answered: the provider's remaining
    // already counts them.
    for (let i = 0; i < 2; i++) expect(a.reserve(KEY, slow, { requests: 1 }, 0)).toMatchObject({ ok: true });
    await a.observe(KEY, { requests: { limit: 50, remaining: 30, windowMs: HOUR } }, 0);
    await store().observe(KEY, { requests: { limit: 50, remaining: 30, windowMs: HOUR } }, 0);
    const [after] = await budgetOf();
    expect(Object.values(after?.h ?? {})[0]?.u).toBe(held - 3);
    expect(after?.l).toBeCloseTo(30 - (held - 3), 0);
  });

  it('loads its scripts again when the server lost them', async () => {
    const a = store();
    expect(await a.reserve(KEY, slow, { requests: 1 }, 0)).toMatchObject({ ok: true });
    await admin.script('FLUSH');
    expect(await a.reserve(KEY, slow, { requests: 1 }, 0)).toMatchObject({ ok: true });
    expect(a.degraded).toBe(false);
  });
});
