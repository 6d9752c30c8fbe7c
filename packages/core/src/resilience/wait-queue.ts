import type { Clock, TimerHandle } from '../clock.js';
import { abortReason, QueueFullError } from '../errors.js';

type Waiter = {
  wakeAt: number;
  priority: number;
  seq: number;
  /** What it waits for (a provider+model): waiters of one group take turns, see `WaitQueue`. */
  group: string | undefined;
  /** Never kept waiting past this, whatever its group does (its request's deadline). */
  latest: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
};

/** Higher priority first, then earlier arrival. */
function before(a: Waiter, b: Waiter): number {
  return b.priority - a.priority || a.seq - b.seq;
}

export type WaitOptions = {
  /** Higher first (default 0). */
  priority?: number;
  signal?: AbortSignal | undefined;
  /** Its place in line, kept across repeated waits of one request (`nextSeq`). */
  seq?: number;
  /** What it waits for; waiters of one group take turns. */
  group?: string | undefined;
  /** A time it must wake by, whatever its group does (its request's deadline). */
  latest?: number;
};

/** How long the rest of a group trusts its head to come back before they look for themselves. */
export const HEAD_TRUST_MS = 250;

/**
 * Requests waiting for capacity. Each waiter names when it can next hope to go (a bucket refilled, a
 * cooldown or an open circuit ended); one clock timer is armed for the earliest of those, never a timer
 * per waiter and never polling. Waiters due together wake in priority order, then by arrival. `wakeAll`
 * wakes everyone early when capacity came back sooner than planned (a reservation was refunded).
 *
 * Waiters that wait for the same model form a group, and a group takes turns: when it is due, only its
 * first waiter (the head) wakes. Admitted, the head hands the turn to the next (`admitted`); back in line,
 * it takes the rest of its group with it to its new time. A refill of one request so wakes one request,
 * not the thousand waiting for it. A head that never comes back (its request failed) is trusted for
 * `HEAD_TRUST_MS`, after which the next takes over.
 */
export class WaitQueue {
  readonly #clock: Clock;
  readonly #maxWaiting: number;
  readonly #waiters = new Set<Waiter>();
  /** Per group, the head trying its capacity now: its place in line and when it was woken. */
  readonly #heads = new Map<string, { seq: number; since: number }>();
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
   * Resolves at `wakeAt` (or earlier, on `wakeAll`; or when its group's turn comes); rejects at once with
   * the signal's reason when it aborts, or with `QueueFullError` when `maxWaiting` requests already wait.
   */
  wait(wakeAt: number, options: WaitOptions = {}): Promise<void> {
    const { priority = 0, signal, seq = this.nextSeq(), group, latest = Number.POSITIVE_INFINITY } = options;
    this.#back(seq, group, wakeAt);
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
      const waiter: Waiter = {
        wakeAt,
        priority,
        seq,
        group,
        latest,
        resolve,
        reject,
        signal,
        onAbort: () => {},
      };
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

  /** Wakes every waiter now, in priority order (one per group). */
  wakeAll(): void {
    if (this.#waiters.size > 0) this.#wake(Number.POSITIVE_INFINITY);
  }

  /** The request in line at `seq` was admitted: if it was a group's head, the next gets its turn. */
  admitted(seq: number): void {
    if (this.#heads.size === 0) return;
    for (const [group, head] of this.#heads)
      if (head.seq === seq) {
        this.#heads.delete(group);
        this.#handOn(group);
        return;
      }
  }

  // A head back in line found no capacity: the rest of its group waits until its new time too. A head
  // that now waits for another model hands its old group on.
  #back(seq: number, group: string | undefined, wakeAt: number): void {
    if (this.#heads.size === 0) return;
    for (const [headed, head] of this.#heads) {
      if (head.seq !== seq) continue;
      this.#heads.delete(headed);
      if (headed !== group) this.#handOn(headed);
      else
        for (const waiter of this.#waiters)
          if (waiter.group === group) waiter.wakeAt = Math.min(wakeAt, waiter.latest);
      this.#arm();
      return;
    }
  }

  // Wakes the group's first waiter now, as its head.
  #handOn(group: string): void {
    let next: Waiter | undefined;
    for (const waiter of this.#waiters)
      if (waiter.group === group && (!next || before(waiter, next) < 0)) next = waiter;
    if (!next) return;
    this.#heads.set(group, { seq: next.seq, since: this.#clock.now() });
    this.#remove(next);
    next.resolve();
    this.#arm();
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
    const now = this.#clock.now();
    const due = [...this.#waiters].filter((waiter) => waiter.wakeAt <= upTo).sort(before);
    for (const waiter of due) {
      if (waiter.group !== undefined) {
        const head = this.#heads.get(waiter.group);
        const headOut = head !== undefined && now - head.since < HEAD_TRUST_MS;
        // At its deadline a waiter wakes anyway, but only to fail: it does not take the head's turn.
        if (!headOut) this.#heads.set(waiter.group, { seq: waiter.seq, since: now });
        else if (waiter.wakeAt < waiter.latest) {
          waiter.wakeAt = Math.min(head.since + HEAD_TRUST_MS, waiter.latest);
          continue;
        }
      }
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
