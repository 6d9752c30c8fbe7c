// The wait queue's own cost as it grows: enqueueing waiters for one model from two tenants, then
// serving them turn by turn (each head admitted hands the turn to the next). Both should grow with
// log n, not n: a flood of waiters must not make every admission or refund slower.

import { WaitQueue } from '@spillway/core/internal';
import { FakeClock } from '@spillway/core/testing';
import type { BenchRow } from './bench-module.js';

export const name = 'wait-queue';
export const description =
  'WaitQueue with n requests waiting for one model, half from each of two tenants (weights 1 and 3): ' +
  'µs per enqueue (wait()) and per turn (admitted() waking the next in fair order), best of 5 runs.';

const SIZES = [100, 1_000, 10_000];
const ROUNDS = 5;

async function once(size: number): Promise<{ enqueueUs: number; turnUs: number }> {
  const clock = new FakeClock(0);
  const queue = new WaitQueue(clock, size + 1, (tenant) => (tenant === 'b' ? 3 : 1));
  let served = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  let started = performance.now();
  for (let i = 0; i < size; i++) {
    const seq = queue.nextSeq();
    // Woken, the request is admitted at once: the turn passes to the next.
    queue.wait(1_000 + i, { seq, group: 'model', tenant: i % 2 ? 'a' : 'b' }).then(() => {
      queue.admitted(seq);
      if (++served === size) done();
    });
  }
  const enqueueUs = ((performance.now() - started) * 1_000) / size;
  started = performance.now();
  queue.wakeAll();
  await finished;
  const turnUs = ((performance.now() - started) * 1_000) / size;
  return { enqueueUs, turnUs };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of SIZES) {
    let enqueue = Number.POSITIVE_INFINITY;
    let turn = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round++) {
      const result = await once(size);
      enqueue = Math.min(enqueue, result.enqueueUs);
      turn = Math.min(turn, result.turnUs);
    }
    rows.push({
      case: `${size} waiting`,
      metrics: { 'enqueue (µs)': enqueue.toFixed(2), 'turn (µs)': turn.toFixed(2) },
    });
  }
  return rows;
}
