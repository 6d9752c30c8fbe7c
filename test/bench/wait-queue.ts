// The wait queue's own cost as it grows: enqueueing waiters for one model from two tenants, then
// serving them turn by turn (each head admitted hands the turn to the next). Both should grow with
// log n, not n: a flood of waiters must not make every admission or refund slower.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WaitQueue } from '@spillway/core/internal';
import { FakeClock } from '@spillway/core/testing';
import type { BenchRow } from './bench-module.js';

export const name = 'wait-queue';
export const description =
  'WaitQueue with n requests waiting for one model, half from each of two tenants (weights 1 and 3): ' +
  'µs per enqueue (wait()) and per turn (admitted() waking the next in fair order) for 1,000 more ' +
  'operations on a queue already holding n, best of 5 runs; ' +
  'bytes per waiter from heap usage after a forced GC (the queue entry, its promise and the ' +
  "bench's continuation). O(log n) means the cost per operation at 10,000 is about twice that at " +
  '100 (log 10,000 / log 100); O(n) would make it 100 times.';

const SIZES = [100, 1_000, 10_000];
const ROUNDS = 5;

// `pnpm bench` runs without --expose-gc; the flag can still be set at run time for this measurement.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// Operations timed on a queue already holding n waiters: the same number each time, so every size
// pays the same garbage collection for what the timed part allocates, and the difference is the queue's.
const TIMED = 1_000;

async function once(size: number): Promise<{ enqueueUs: number; turnUs: number; bytes: number }> {
  const clock = new FakeClock(0);
  const total = size + TIMED;
  const queue = new WaitQueue(clock, total + 1, (tenant) => (tenant === 'b' ? 3 : 1));
  let served = 0;
  let timedTurns: () => void = () => {};
  const turnsDone = new Promise<void>((resolve) => {
    timedTurns = resolve;
  });
  const enqueue = (i: number) => {
    const seq = queue.nextSeq();
    // Woken, the request is admitted at once: the turn passes to the next. Wake-up times interleave,
    // so a new waiter lands anywhere in line, not only at its end.
    queue.wait(1_000 + ((i * 7_919) % total), { seq, group: 'model', tenant: i % 2 ? 'a' : 'b' }).then(
      () => {
        queue.admitted(seq);
        if (++served === TIMED) timedTurns();
      },
      // close() below ends the untimed rest.
      () => {},
    );
  };
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < size; i++) enqueue(i);
  gc();
  const bytes = (process.memoryUsage().heapUsed - heapBefore) / size;
  let started = performance.now();
  for (let i = size; i < total; i++) enqueue(i);
  const enqueueUs = ((performance.now() - started) * 1_000) / TIMED;
  gc();
  started = performance.now();
  queue.wakeAll();
  await turnsDone;
  const turnUs = ((performance.now() - started) * 1_000) / TIMED;
  // The rest are not timed: the queue and its waiters go with this run.
  queue.close(new Error('bench done'));
  return { enqueueUs, turnUs, bytes };
}

export async function run(): Promise<BenchRow[]> {
  // One unmeasured pass at the largest size first: the smallest size would otherwise run unoptimised code.
  await once(SIZES.at(-1) as number);
  const rows: BenchRow[] = [];
  let smallest: { enqueue: number; turn: number } | undefined;
  for (const size of SIZES) {
    let enqueue = Number.POSITIVE_INFINITY;
    let turn = Number.POSITIVE_INFINITY;
    let bytes = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round++) {
      const result = await once(size);
      enqueue = Math.min(enqueue, result.enqueueUs);
      turn = Math.min(turn, result.turnUs);
      bytes = Math.min(bytes, result.bytes);
    }
    smallest ??= { enqueue, turn };
    const growth = Math.max(enqueue / smallest.enqueue, turn / smallest.turn);
    const last = size === SIZES.at(-1);
    rows.push({
      case: `${size} waiting`,
      metrics: {
        'enqueue (µs)': enqueue.toFixed(2),
        'turn (µs)': turn.toFixed(2),
        // At 100 waiters the heap's own noise is larger than what they hold.
        'bytes per waiter': size < 1_000 ? '' : bytes.toFixed(0),
        'vs 100 waiting': `${growth.toFixed(1)}×`,
      },
      ...(last
        ? {
            target: {
              text: `O(log n): per-operation cost at ${size} ≤ 3× that at ${SIZES[0]} (O(n): 100×)`,
              met: growth <= 3,
            },
          }
        : {}),
    });
  }
  return rows;
}
