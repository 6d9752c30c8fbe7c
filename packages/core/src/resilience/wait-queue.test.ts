import { describe, expect, it } from 'vitest';
import { QueueFullError } from '../errors.js';
import { FakeClock } from '../testing/index.js';
import { HEAD_TRUST_MS, WaitQueue } from './wait-queue.js';

function setup(maxWaiting = 10) {
  const clock = new FakeClock(0);
  const queue = new WaitQueue(clock, maxWaiting);
  const woke: string[] = [];
  const enqueue = (name: string, wakeAt: number, priority = 0, signal?: AbortSignal) =>
    queue.wait(wakeAt, { priority, signal }).then(
      () => woke.push(`${name}@${clock.now()}`),
      (error: unknown) => woke.push(`${name}!${(error as Error).name}@${clock.now()}`),
    );
  return { clock, queue, woke, enqueue };
}

describe('WaitQueue', () => {
  it('wakes each waiter exactly at its time with a single timer', async () => {
    const { clock, woke, enqueue } = setup();
    enqueue('a', 3_000);
    enqueue('b', 1_000);
    enqueue('c', 2_000);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextTimerAt()).toBe(1_000);
    await clock.advance(999);
    expect(woke).toEqual([]);
    await clock.runAll();
    expect(woke).toEqual(['b@1000', 'c@2000', 'a@3000']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('wakes waiters due together by priority, then arrival', async () => {
    const { clock, woke, enqueue } = setup();
    enqueue('low-first', 1_000, 0);
    enqueue('high', 1_000, 5);
    enqueue('low-second', 1_000, 0);
    enqueue('mid', 500, 1);
    await clock.advance(1_000);
    expect(woke).toEqual(['mid@500', 'high@1000', 'low-first@1000', 'low-second@1000']);
  });

  it('an abort cancels a wait at once and re-arms the timer for the next waiter', async () => {
    const { clock, queue, woke, enqueue } = setup();
    const controller = new AbortController();
    enqueue('gone', 1_000, 0, controller.signal);
    enqueue('stays', 5_000);
    controller.abort();
    await clock.flush();
    expect(woke).toEqual(['gone!AbortError@0']);
    expect(queue.size).toBe(1);
    expect(clock.nextTimerAt()).toBe(5_000);
    await clock.runAll();
    expect(woke).toEqual(['gone!AbortError@0', 'stays@5000']);
  });

  it('rejects an already aborted signal without queueing', async () => {
    const { queue } = setup();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(queue.wait(1_000, { signal: controller.signal })).rejects.toThrow('stop');
    expect(queue.size).toBe(0);
  });

  it('refuses beyond maxWaiting with QueueFullError carrying retryAfterMs', async () => {
    const { queue, enqueue } = setup(2);
    enqueue('a', 4_000);
    enqueue('b', 3_000);
    const error = await queue.wait(1_000, { priority: 9 }).catch((caught: unknown) => caught);
    expect(QueueFullError.isInstance(error)).toBe(true);
    expect((error as QueueFullError).retryAfterMs).toBe(3_000);
  });

  it('wakeAll wakes everyone early, by priority', async () => {
    const { clock, queue, woke, enqueue } = setup();
    enqueue('a', 9_000, 0);
    enqueue('b', 8_000, 2);
    await clock.advance(100);
    queue.wakeAll();
    await clock.flush();
    expect(woke).toEqual(['b@100', 'a@100']);
    expect(clock.pendingTimers).toBe(0);
  });

  describe('groups take turns', () => {
    function grouped() {
      const { clock, queue } = setup();
      const woke: string[] = [];
      const seqs = new Map<string, number>();
      const enqueue = (name: string, wakeAt: number, options: { group?: string; latest?: number } = {}) => {
        const seq = seqs.get(name) ?? queue.nextSeq();
        seqs.set(name, seq);
        return queue
          .wait(wakeAt, { seq, group: 'g', ...options })
          .then(() => woke.push(`${name}@${clock.now()}`));
      };
      return { clock, queue, woke, enqueue, seq: (name: string) => seqs.get(name) as number };
    }

    it('wakes only the head; an admitted head hands the turn on, one back in line takes the rest along', async () => {
      const { clock, queue, woke, enqueue, seq } = grouped();
      enqueue('a', 1_000);
      enqueue('b', 1_000);
      enqueue('c', 1_000);
      await clock.advance(1_000);
      expect(woke).toEqual(['a@1000']);
      queue.admitted(seq('a'));
      await clock.flush();
      expect(woke).toEqual(['a@1000', 'b@1000']);
      // b finds no capacity until 3 000: c, still in line behind it, waits as long.
      enqueue('b', 3_000);
      await clock.advance(1_500);
      expect(woke).toEqual(['a@1000', 'b@1000']);
      await clock.advance(500);
      expect(woke).toEqual(['a@1000', 'b@1000', 'b@3000']);
      queue.admitted(seq('b'));
      await clock.flush();
      expect(woke).toEqual(['a@1000', 'b@1000', 'b@3000', 'c@3000']);
    });

    it('a head that never comes back is trusted for HEAD_TRUST_MS, then the next takes over', async () => {
      const { clock, woke, enqueue } = grouped();
      enqueue('a', 1_000);
      enqueue('b', 1_000);
      await clock.advance(1_000);
      expect(woke).toEqual(['a@1000']);
      await clock.runAll();
      expect(woke).toEqual(['a@1000', `b@${1_000 + HEAD_TRUST_MS}`]);
    });

    it('never keeps a waiter past its latest time for its group', async () => {
      const { clock, woke, enqueue } = grouped();
      enqueue('a', 1_000);
      enqueue('b', 1_000, { latest: 1_100 });
      enqueue('c', 1_000);
      await clock.advance(1_000);
      enqueue('a', 5_000);
      await clock.advance(100);
      expect(woke).toEqual(['a@1000', 'b@1100']);
      await clock.advance(3_900);
      expect(woke).toEqual(['a@1000', 'b@1100', 'a@5000']);
    });

    it('a waiter woken by its deadline does not take the turn of the head still out', async () => {
      const { clock, queue, woke, enqueue, seq } = grouped();
      enqueue('a', 1_000);
      enqueue('b', 1_000, { latest: 1_100 });
      enqueue('c', 1_000);
      await clock.advance(1_100);
      expect(woke).toEqual(['a@1000', 'b@1100']);
      queue.admitted(seq('a'));
      await clock.flush();
      expect(woke).toEqual(['a@1000', 'b@1100', 'c@1100']);
    });

    it('a head that now waits for another model hands its old group on', async () => {
      const { clock, woke, enqueue } = grouped();
      enqueue('a', 1_000);
      enqueue('b', 1_000);
      await clock.advance(1_000);
      enqueue('a', 9_000, { group: 'other' });
      await clock.flush();
      expect(woke).toEqual(['a@1000', 'b@1000']);
    });
  });

  describe('tenants share a group in weighted turns', () => {
    function tenanted(weights: Record<string, number> = {}) {
      const clock = new FakeClock(0);
      const queue = new WaitQueue(clock, 100, (tenant) => weights[tenant] ?? 1);
      const woke: string[] = [];
      const enqueue = (tenant: string, count: number) => {
        for (let i = 0; i < count; i++) {
          const seq = queue.nextSeq();
          queue.wait(1_000, { seq, group: 'g', tenant }).then(() => {
            woke.push(tenant);
            // Admitted at once: the turn passes on.
            queue.admitted(seq);
          });
        }
      };
      return { clock, queue, woke, enqueue };
    }

    it('a flood from one tenant does not hold back another', async () => {
      const { clock, queue, woke, enqueue } = tenanted();
      enqueue('a', 8);
      enqueue('b', 3);
      await clock.advance(1_000);
      expect(woke.join('')).toBe('abababaaaaa');
      expect(queue.size).toBe(0);
    });

    it('weights 3:1', async () => {
      const { clock, woke, enqueue } = tenanted({ a: 3 });
      enqueue('a', 9);
      enqueue('b', 9);
      await clock.advance(1_000);
      // Both start level: b's first turn comes after a's first, then one b per three a's.
      expect(woke.join('').slice(0, 12)).toBe('abaaabaaabaa');
    });

    it('a full queue still lets in a tenant below its share: the flooding tenant’s latest make room', async () => {
      const clock = new FakeClock(0);
      const queue = new WaitQueue(clock, 6, (tenant) => (tenant === 'c' ? 2 : 1));
      const outcome: string[] = [];
      const enqueue = (name: string, tenant: string) =>
        queue.wait(1_000, { group: 'g', tenant }).then(
          () => outcome.push(`${name} woke`),
          (error: Error) => outcome.push(`${name} ${QueueFullError.isInstance(error) ? 'full' : error.name}`),
        );
      for (let i = 1; i <= 6; i++) enqueue(`a${i}`, 'a');
      for (let i = 1; i <= 4; i++) enqueue(`b${i}`, 'b');
      await clock.flush();
      // Half the places each: b's first three take a's last three, b's fourth is over its own share.
      expect(outcome).toEqual(['a6 full', 'a5 full', 'a4 full', 'b4 full']);
      // A weight-2 tenant's share of 6 among three tenants is 3: it takes one each from a and b.
      enqueue('c1', 'c');
      enqueue('c2', 'c');
      await clock.flush();
      expect(outcome.slice(4)).toEqual(['a3 full', 'b3 full']);
      expect(queue.size).toBe(6);
    });

    it('an aborted or timed-out waiter leaves the line and the next of its tenant keeps the turn', async () => {
      const clock = new FakeClock(0);
      const queue = new WaitQueue(clock, 100);
      const controller = new AbortController();
      const woke: string[] = [];
      const enqueue = (
        name: string,
        tenant: string,
        options: { latest?: number; signal?: AbortSignal } = {},
      ) => {
        const seq = queue.nextSeq();
        queue.wait(1_000, { seq, group: 'g', tenant, ...options }).then(
          () => {
            woke.push(`${name}@${clock.now()}`);
            queue.admitted(seq);
          },
          (error: Error) => woke.push(`${name}!${error.name}`),
        );
      };
      enqueue('a1', 'a', { signal: controller.signal });
      enqueue('a2', 'a', { latest: 500 });
      enqueue('a3', 'a');
      enqueue('b1', 'b');
      controller.abort();
      await clock.advance(500);
      expect(woke).toEqual(['a1!AbortError', 'a2@500']);
      expect(queue.size).toBe(2);
      await clock.advance(500);
      expect(woke).toEqual(['a1!AbortError', 'a2@500', 'a3@1000', 'b1@1000']);
      expect(clock.pendingTimers).toBe(0);
    });
  });
});
