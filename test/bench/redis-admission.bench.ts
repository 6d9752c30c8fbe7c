import { type BudgetLimits, memoryStore, type RouterStore } from '@spillway/core';
import { redisStore } from '@spillway/redis';
import { Redis } from 'ioredis';
import { redisServerBinary, startRedisServer } from '../redis-server.js';

type Row = {
  case: string;
  metrics: Record<string, number | string>;
  target?: { text: string; met: boolean };
};

export const name = 'redis-admission';
export const description =
  'Budget admission (reserve) latency: the in-memory store vs the Redis store on a local redis-server over ' +
  'loopback, with one EVALSHA per admission (`leaseMs: 0`) and with leased slices (the default), one call ' +
  'at a time and 16 in flight; scripts sent per 1,000 admissions; and whether 4 stores sharing one limit ' +
  'ever admit more than it.';

const ROUNDS = 5_000;
const limits: BudgetLimits = {
  requests: { capacity: 1e12, windowMs: 60_000 },
  tokens: { capacity: 1e15, windowMs: 60_000 },
};
const amounts = { requests: 1, tokens: 500 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

function row(label: string, samples: number[], elapsedMs: number): Row {
  samples.sort((a, b) => a - b);
  return {
    case: label,
    metrics: {
      'p50 µs': Number((percentile(samples, 0.5) * 1000).toFixed(1)),
      'p99 µs': Number((percentile(samples, 0.99) * 1000).toFixed(1)),
      'mean µs': Number(((elapsedMs / samples.length) * 1000).toFixed(1)),
      'admissions/s': Math.round((samples.length / elapsedMs) * 1000),
    },
  };
}

const TARGET_P50_US = 25;
const withTarget = (result: Row): Row => ({
  ...result,
  target: {
    text: `≤ ${TARGET_P50_US} µs p50 per admission`,
    met: Number(result.metrics['p50 µs']) <= TARGET_P50_US,
  },
});

/** Scripts the server ran (EVALSHA + EVAL) so far: the difference over a case is its round trips. */
async function scriptsRun(url: string): Promise<number> {
  const client = new Redis(url);
  const stats = String(await client.info('commandstats'));
  client.disconnect();
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}

async function measured(url: string, rows: Row[], measure: () => Promise<Row>): Promise<void> {
  const before = await scriptsRun(url);
  const result = await measure();
  const scripts = (await scriptsRun(url)) - before;
  result.metrics['scripts per 1,000'] = Math.round((scripts / ROUNDS) * 1000);
  rows.push(result);
}

/** Reserve then settle (the call used what it reserved), as the router does for every call. */
async function reserveAndSettle(store: RouterStore, label: string): Promise<Row> {
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const result = store.reserve('bench/settled', limits, amounts, 0);
    if (result instanceof Promise) await result;
    const settled = store.settle('bench/settled', limits, amounts, { requests: 1, tokens: 400 }, 0);
    if (settled instanceof Promise) await settled;
    samples.push(performance.now() - start);
  }
  return row(label, samples, performance.now() - started);
}

async function sequential(store: RouterStore, label: string): Promise<Row> {
  for (let i = 0; i < 500; i++) await store.reserve('bench/warmup', limits, amounts, 0);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const result = store.reserve('bench/model', limits, amounts, 0);
    if (result instanceof Promise) await result;
    samples.push(performance.now() - start);
  }
  return row(label, samples, performance.now() - started);
}

async function concurrent(store: RouterStore, label: string, inFlight: number): Promise<Row> {
  const samples: number[] = [];
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next++ < ROUNDS) {
      const start = performance.now();
      await store.reserve('bench/model', limits, amounts, 0);
      samples.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return row(label, samples, performance.now() - started);
}

/** Four stores race for a 1,000-request budget that refills slowly: how many get through? */
async function overAdmission(url: string, leaseMs: number): Promise<Row> {
  const tight: BudgetLimits = { requests: { capacity: 1_000, windowMs: 3_600_000 } };
  const stores = Array.from({ length: 4 }, () =>
    redisStore({ url, prefix: `bench-race-${leaseMs}`, leaseMs }),
  );
  const results = await Promise.all(
    Array.from({ length: 2_000 }, (_, i) => stores[i % 4]?.reserve('bench/race', tight, { requests: 1 }, 0)),
  );
  await Promise.all(stores.map((store) => store.close()));
  // The budget refills ~0.3 requests a second, so a fraction of one may be admitted during the race.
  const admitted = results.filter((result) => result?.ok).length;
  return {
    case: `4 redis stores (leaseMs ${leaseMs}), 2,000 concurrent reserves of a 1,000 budget`,
    metrics: { admitted, 'over the limit': Math.max(0, admitted - 1_001) },
    target: { text: 'never over', met: admitted <= 1_001 },
  };
}

/** CPU the server spent per reserve script, which the load on the client machine does not inflate. */
async function serverCost(url: string): Promise<Row> {
  const client = new Redis(url);
  const stats = String(await client.info('commandstats'));
  client.disconnect();
  const line = stats.split('\n').find((entry) => entry.startsWith('cmdstat_evalsha:')) ?? '';
  const perCall = /usec_per_call=([\d.]+)/.exec(line)?.[1] ?? 'n/a';
  return { case: 'redis-server CPU per EVALSHA', metrics: { 'µs per call': perCall } };
}

export async function run(): Promise<Row[]> {
  const rows = [await sequential(memoryStore(), 'memory store, sequential')];
  if (!redisServerBinary) return [...rows, { case: 'redis store', metrics: { skipped: 'no redis-server' } }];
  const server = await startRedisServer();
  try {
    // Alternating, so both see the same machine load.
    for (const leaseMs of [0, 500, 0, 500]) {
      const label = leaseMs ? 'redis store, leases' : 'redis store, one script per admission';
      const store = redisStore({ url: server.url, prefix: `bench-${leaseMs}-${rows.length}`, leaseMs });
      await measured(server.url, rows, async () => {
        const result = await sequential(store, `${label}, sequential`);
        return leaseMs ? withTarget(result) : result;
      });
      await measured(server.url, rows, () => concurrent(store, `${label}, 16 in flight`, 16));
      await measured(server.url, rows, () => reserveAndSettle(store, `${label}, reserve + settle`));
      await store.close();
    }
    rows.push(await overAdmission(server.url, 0));
    rows.push(await overAdmission(server.url, 500));
    rows.push(await serverCost(server.url));
  } finally {
    await server.stop();
  }
  return rows;
}

// `tsx --conditions=@spillway/source test/bench/redis-admission.bench.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const result of await run()) console.log(result.case, JSON.stringify(result.metrics));
}
