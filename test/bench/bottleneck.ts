// Reproduces what made us write our own buckets instead of using `bottleneck` (decision 0403), next to
// the same situation in our engine (memoryStore + WaitQueue).
import { memoryStore, systemClock } from '@spillway/core';
import { WaitQueue } from '@spillway/core/internal';
import Bottleneck from 'bottleneck';
import type { BenchRow } from './bench-module.js';

export const name = 'bottleneck';
export const description =
  'bottleneck 2.19 (local datastore) vs. our engine: time to admit one job when capacity is free; ' +
  'whether the reservoir still refills after updateSettings(); what happens to a job heavier than the ' +
  'reservoir; whether a queued job can be cancelled.';

const JOBS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function admitCost(): Promise<BenchRow[]> {
  const limiter = new Bottleneck({ reservoir: 1e9 });
  let started = performance.now();
  for (let i = 0; i < JOBS; i++) await limiter.schedule(async () => undefined);
  const bottleneckMs = (performance.now() - started) / JOBS;
  await limiter.stop({ dropWaitingJobs: true });
  const store = memoryStore();
  const limits = { requests: { capacity: 1e9, windowMs: 60_000 } };
  started = performance.now();
  for (let i = 0; i < JOBS * 50; i++) store.reserve('p/m', limits, { requests: 1 }, systemClock.now());
  const oursMs = (performance.now() - started) / (JOBS * 50);
  return [
    {
      case: 'admit one job, capacity free: bottleneck schedule()',
      metrics: { result: `${(bottleneckMs * 1000).toFixed(0)} µs` },
    },
    {
      case: 'admit one job, capacity free: memoryStore.reserve()',
      metrics: { result: `${(oursMs * 1000).toFixed(2)} µs` },
    },
  ];
}

async function refillAfterUpdate(): Promise<BenchRow[]> {
  // bottleneck refreshes the reservoir from its heartbeat (every 250 ms by default).
  const limiter = new Bottleneck({ reservoir: 0, reservoirRefreshAmount: 5, reservoirRefreshInterval: 50 });
  await sleep(600);
  const before = await limiter.currentReservoir();
  await limiter.incrementReservoir(-(before ?? 0));
  await limiter.updateSettings({ maxConcurrent: 10 });
  await sleep(600);
  const after = await limiter.currentReservoir();
  await limiter.stop({ dropWaitingJobs: true });
  return [
    {
      case: 'reservoir refreshed every 50 ms to 5: 600 ms before / 600 ms after updateSettings()',
      metrics: {
        result: `bottleneck: ${before} / ${after}; ours: refill is arithmetic on now(), no timer to lose`,
      },
    },
  ];
}

async function heavierThanReservoir(): Promise<BenchRow[]> {
  const limiter = new Bottleneck({ reservoir: 2, reservoirRefreshAmount: 2, reservoirRefreshInterval: 50 });
  const job = limiter.schedule({ weight: 5 }, async () => 'ran');
  const outcome = await Promise.race([job, sleep(500).then(() => 'still queued after 500 ms')]);
  await limiter.stop({ dropWaitingJobs: true });
  job.catch(() => {});
  const store = memoryStore();
  const result = store.reserve('p/m', { tokens: { capacity: 2, windowMs: 60_000 } }, { tokens: 5 }, 0);
  return [
    { case: 'job of weight 5, reservoir of 2: bottleneck', metrics: { result: String(outcome) } },
    {
      case: 'job of weight 5, reservoir of 2: ours',
      metrics: { result: result.ok ? 'admitted' : `refused at once (retryInMs ${result.retryInMs})` },
    },
  ];
}

async function cancelQueued(): Promise<BenchRow[]> {
  const limiter = new Bottleneck({ maxConcurrent: 1 });
  const blocker = limiter.schedule(() => sleep(300));
  const controller = new AbortController();
  // bottleneck has no per-job signal: the only ways out are stop() (every job) or waiting its turn.
  const queued = limiter.schedule(async () => 'ran');
  controller.abort();
  const started = performance.now();
  const outcome = await queued;
  const bottleneckMs = performance.now() - started;
  await blocker;
  await limiter.stop();
  const queue = new WaitQueue(systemClock, 10);
  const ours = new AbortController();
  const waiting = queue.wait(systemClock.now() + 300, { signal: ours.signal });
  const abortedAt = performance.now();
  ours.abort();
  const reason = await waiting.catch((error: Error) => error.name);
  const oursMs = performance.now() - abortedAt;
  return [
    {
      case: 'cancel a queued job: bottleneck',
      metrics: {
        result: `not possible per job; it ${outcome} ${bottleneckMs.toFixed(0)} ms after the abort`,
      },
    },
    {
      case: 'cancel a queued job: ours',
      metrics: { result: `rejected with ${reason} ${oursMs.toFixed(2)} ms after the abort` },
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return [
    ...(await admitCost()),
    ...(await refillAfterUpdate()),
    ...(await heavierThanReservoir()),
    ...(await cancelQueued()),
  ];
}
