import type { Clock, TimerHandle } from '../clock.js';

type Timer = { id: number; at: number; seq: number; callback: () => void };

/**
 * A manual clock for resilience tests: time moves only when the test calls `advance`, timers fire in
 * order of due time, and pending promise chains run between timers, so no test ever sleeps.
 */
export class FakeClock implements Clock {
  #now: number;
  #timers = new Map<number, Timer>();
  #nextId = 1;
  #seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#timers.set(id, { id, at: this.#now + delay, seq: this.#seq++, callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle && typeof handle === 'object' && 'id' in handle)
      this.#timers.delete((handle as { id: number }).id);
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the earliest pending timer is due, or undefined. */
  nextTimerAt(): number | undefined {
    return this.#earliest()?.at;
  }

  /** Lets pending promise callbacks run without moving time. */
  async flush(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await this.flush();
    for (;;) {
      const timer = this.#earliest();
      if (!timer || timer.at > target) break;
      this.#timers.delete(timer.id);
      this.#now = Math.max(this.#now, timer.at);
      timer.callback();
      await this.flush();
    }
    this.#now = target;
    await this.flush();
  }

  /** Fires timers until none is left (or `maxTimers` fired), moving time to each. */
  async runAll(maxTimers = 10_000): Promise<void> {
    await this.flush();
    for (let fired = 0; fired < maxTimers; fired++) {
      const timer = this.#earliest();
      if (!timer) return;
      await this.advance(timer.at - this.#now);
    }
    throw new Error(`FakeClock.runAll: still busy after ${maxTimers} timers`);
  }

  #earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.#timers.values()) {
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}
