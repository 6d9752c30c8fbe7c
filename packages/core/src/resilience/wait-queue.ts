import type { Clock, TimerHandle } from '../clock.js';
import { abortReason, QueueFullError } from '../errors.js';

type Waiter = {
  wakeAt: number;
  priority: number;
  seq: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
};

/** Higher priority first, then earlier arrival. */
function before(a: Waiter, b: Waiter): number {
  return b.priority - a.priority || a.seq - b.seq;
}

/**
 * Requests waiting for capacity. Each waiter names when it can next hope to go (a bucket refilled, a
 * cooldown or an open circuit ended); one clock timer is armed for the earliest of those, never a timer
 * per waiter and never polling. Waiters due together wake in priority order, then by arrival. `wakeAll`
 * wakes everyone early when capacity came back sooner than planned (a reservation was refunded).
 */
export class WaitQueue {
  readonly #clock: Clock;
  readonly #maxWaiting: number;
  readonly #waiters = new Set<Waiter>();
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #seq = 0;

  constructor(clock: Clock, maxWaiting: number) {
    this.#clock = clock;
    this.#maxWaiting = maxWaiting;
  }

  get size(): number {
    return this.#waiters.size;
  }

  /** A sequence number that keeps a request's place in line across repeated waits. */
  nextSeq(): number {
    return this.#seq++;
  }

  /**
   * Resolves at `wakeAt` (or earlier, on `wakeAll`); rejects at once with the signal's reason when it
   * aborts, or with `QueueFullError` when `maxWaiting` requests already wait.
   */
  wait(wakeAt: number, priority: number, signal?: AbortSignal, seq = this.nextSeq()): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#waiters.size >= this.#maxWaiting) {
      const retryAfterMs = Math.max(0, Math.ceil(this.#timerAt - this.#clock.now()));
      return Promise.reject(
        new QueueFullError(`${this.#waiters.size} requests already wait for capacity (queue.maxWaiting)`, {
          retryAfterMs: Number.isFinite(retryAfterMs) ? retryAfterMs : undefined,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { wakeAt, priority, seq, resolve, reject, signal, onAbort: () => {} };
      waiter.onAbort = () => {
        this.#remove(waiter);
        reject(abortReason(signal as AbortSignal));
        this.#arm();
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.add(waiter);
      if (wakeAt < this.#timerAt) this.#arm();
    });
  }

  /** Wakes every waiter now, in priority order. */
  wakeAll(): void {
    if (this.#waiters.size > 0) this.#wake(Number.POSITIVE_INFINITY);
  }

  /** Rejects every waiter with `reason` (the router is closing). */
  close(reason: unknown): void {
    for (const waiter of [...this.#waiters]) {
      this.#remove(waiter);
      waiter.reject(reason);
    }
    this.#arm();
  }

  #remove(waiter: Waiter): void {
    this.#waiters.delete(waiter);
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  #wake(upTo: number): void {
    const due = [...this.#waiters].filter((waiter) => waiter.wakeAt <= upTo).sort(before);
    for (const waiter of due) {
      this.#remove(waiter);
      waiter.resolve();
    }
    this.#arm();
  }

  /** (Re)arms the single timer for the earliest waiter, or disarms it when nobody waits. */
  #arm(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const waiter of this.#waiters) if (waiter.wakeAt < earliest) earliest = waiter.wakeAt;
    if (earliest === this.#timerAt) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = earliest;
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#wake(this.#clock.now());
    }, earliest - this.#clock.now());
  }
}
