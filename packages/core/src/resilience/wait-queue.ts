import TinyQueue from 'tinyqueue';
import type { Clock, TimerHandle } from '../clock.js';
import { abortReason, QueueFullError } from '../errors.js';
import { before, FairShare, type Share } from './fair-share.js';
import { QueueShares } from './queue-shares.js';

type Waiter = Share & {
  wakeAt: number;
  group: Group;
  /** Never kept waiting past this, whatever its group does (its request's deadline). */
  latest: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
};

/**
 * Waiters for one thing (a provider+model). Only its head tries the capacity at a time; `dueAt` is when
 * the group next wakes one. A waiter that names no group is a group of its own.
 */
type Group = {
  key: string | undefined;
  line: FairShare<Waiter>;
  dueAt: number;
  /** Bumped whenever `dueAt` changes: older timer entries for the group are stale. */
  version: number;
  head: { seq: number; since: number; tenant: string } | undefined;
};

/** A time something is due: a group's next wake-up, or a waiter's deadline. */
type Timed = { at: number; group: Group; version: number; waiter: Waiter | undefined };

const byTime = (a: Timed, b: Timed) => a.at - b.at;
const alone = () => 1;

export type WaitOptions = {
  /** Higher first (default 0), among its tenant's waiters. */
  priority?: number;
  signal?: AbortSignal | undefined;
  /** Its place in line, kept across repeated waits of one request (`nextSeq`). */
  seq?: number;
  /** What it waits for; waiters of one group take turns. */
  group?: string | undefined;
  /** A time it must wake by, whatever its group does (its request's deadline). */
  latest?: number;
  /** Whose request it is: a group's turns go to tenants in weighted fair shares. Default ''. */
  tenant?: string;
};

/** How long the rest of a group trusts its head to come back before they look for themselves. */
export const HEAD_TRUST_MS = 250;

/**
 * Requests waiting for capacity. Each waiter names when it can next hope to go (a bucket refilled, a
 * cooldown or an open circuit ended); one clock timer is armed for the earliest time anything is due,
 * never a timer per waiter and never polling. `wakeAll` wakes every group early when capacity came back
 * sooner than planned (a reservation was refunded).
 *
 * Waiters that wait for the same model form a group, and a group takes turns: when it is due, only the
 * waiter whose turn it is (the head) wakes. Admitted, the head hands the turn on (`admitted`); back in
 * line, it takes the rest of its group with it to its new time. A refill of one request so wakes one
 * request, not the thousand waiting for it. A head that never comes back (its request failed) is trusted
 * for `HEAD_TRUST_MS`, after which the next takes over. Whose turn it is: tenants in weighted fair
 * shares (`FairShare`), within a tenant priority then arrival. Enqueue, wake-up and removal are O(log n).
 */
export class WaitQueue {
  readonly #clock: Clock;
  readonly #maxWaiting: number;
  readonly #weightOf: (tenant: string) => number;
  readonly #shares: QueueShares<Waiter>;
  readonly #groups = new Map<string, Group>();
  /** Groups with someone in line or a head out: what `wakeAll` and `close` visit. */
  readonly #busy = new Set<Group>();
  /** Heads out, by their place in line. */
  readonly #heads = new Map<number, Group>();
  #timeline = new TinyQueue<Timed>([], byTime);
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #seq = 0;
  #size = 0;

  constructor(clock: Clock, maxWaiting: number, weightOf: (tenant: string) => number = alone) {
    this.#clock = clock;
    this.#maxWaiting = maxWaiting;
    this.#weightOf = weightOf;
    this.#shares = new QueueShares(weightOf);
  }

  get size(): number {
    return this.#size;
  }

  /** A sequence number that keeps a request's place in line across repeated waits. */
  nextSeq(): number {
    return this.#seq++;
  }

  /**
   * Resolves at `wakeAt` (or earlier, on `wakeAll`; or when its turn comes); rejects at once with the
   * signal's reason when it aborts, or with `QueueFullError` when `maxWaiting` requests already wait
   * and its tenant holds its share of them (else the latest waiter of the tenant furthest over its
   * share is turned away with `QueueFullError` to make room).
   */
  wait(wakeAt: number, options: WaitOptions = {}): Promise<void> {
    const { priority = 0, signal, seq = this.nextSeq(), latest = Number.POSITIVE_INFINITY } = options;
    this.#back(seq, options.group, wakeAt);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const tenant = options.tenant ?? '';
    if (this.#size >= this.#maxWaiting) {
      // A tenant below its share of the places still gets in: the latest waiter of the tenant furthest
      // over its share makes room.
      const victim = this.#shares.victimFor(tenant, this.#maxWaiting);
      if (!victim) return Promise.reject(this.#full('already wait for capacity'));
      this.#remove(victim);
      victim.reject(this.#full('wait; this one made room for a tenant below its share'));
    }
    const group = this.#group(options.group);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        tenant,
        priority,
        seq,
        gone: false,
        wakeAt,
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
      group.line.add(waiter);
      this.#shares.add(waiter);
      this.#size++;
      this.#busy.add(group);
      if (wakeAt < group.dueAt) this.#due(group, wakeAt);
      if (latest < Number.POSITIVE_INFINITY) this.#timeline.push({ at: latest, group, version: -1, waiter });
      this.#arm();
    });
  }

  /** Wakes every group's next waiter now (capacity may have come back). */
  wakeAll(): void {
    if (this.#size === 0) return;
    const now = this.#clock.now();
    const woken: Waiter[] = [];
    for (const group of this.#busy) this.#turn(group, now, woken);
    this.#resolve(woken);
    this.#arm();
  }

  /** The request in line at `seq` was admitted: if it was a group's head, its tenant is charged a turn and the next gets one. */
  admitted(seq: number): void {
    const group = this.#heads.get(seq);
    if (!group) return;
    const head = group.head as NonNullable<Group['head']>;
    this.#heads.delete(seq);
    group.head = undefined;
    group.line.charge(head.tenant);
    this.#handOn(group);
  }

  /** Rejects every waiter with `reason` (the router is closing). */
  close(reason: unknown): void {
    for (const group of [...this.#busy])
      for (const waiter of [...group.line.drain()]) {
        this.#remove(waiter);
        waiter.reject(reason);
      }
    this.#arm();
  }

  #full(what: string): QueueFullError {
    const retryAfterMs = Math.max(0, Math.ceil(this.#timerAt - this.#clock.now()));
    return new QueueFullError(`${this.#size} requests ${what} (queue.maxWaiting)`, {
      retryAfterMs: Number.isFinite(retryAfterMs) ? retryAfterMs : undefined,
    });
  }

  #group(key: string | undefined): Group {
    let group = key === undefined ? undefined : this.#groups.get(key);
    if (!group) {
      group = {
        key,
        line: new FairShare<Waiter>(this.#weightOf),
        dueAt: Number.POSITIVE_INFINITY,
        version: 0,
        head: undefined,
      };
      if (key !== undefined) this.#groups.set(key, group);
    }
    return group;
  }

  // A head back in line found no capacity: the rest of its group waits until its new time too. A head
  // that now waits for another model hands its old group on.
  #back(seq: number, key: string | undefined, wakeAt: number): void {
    const headed = this.#heads.get(seq);
    if (!headed) return;
    this.#heads.delete(seq);
    headed.head = undefined;
    if (headed.key !== key) this.#handOn(headed);
    else {
      this.#due(headed, wakeAt);
      this.#idle(headed);
    }
  }

  // Wakes the group's next waiter now, as its head.
  #handOn(group: Group): void {
    const woken: Waiter[] = [];
    this.#turn(group, this.#clock.now(), woken);
    this.#resolve(woken);
    this.#arm();
  }

  /** The group's turn: its next waiter becomes the head, unless a head still out is trusted. */
  #turn(group: Group, now: number, woken: Waiter[]): void {
    const { head } = group;
    if (head && now - head.since < HEAD_TRUST_MS) {
      this.#due(group, head.since + HEAD_TRUST_MS);
      return;
    }
    if (head) this.#heads.delete(head.seq);
    const next = group.line.take();
    if (!next) {
      group.head = undefined;
      this.#due(group, Number.POSITIVE_INFINITY);
      this.#idle(group);
      return;
    }
    this.#size--;
    this.#shares.remove(next);
    next.signal?.removeEventListener('abort', next.onAbort);
    if (group.key !== undefined) {
      group.head = { seq: next.seq, since: now, tenant: next.tenant };
      this.#heads.set(next.seq, group);
    }
    // The rest look again when the head's trust runs out, unless it comes back sooner (a head that
    // never does is forgotten then).
    if (group.key !== undefined) this.#due(group, now + HEAD_TRUST_MS);
    else this.#idle(group);
    woken.push(next);
  }

  #due(group: Group, at: number): void {
    if (group.dueAt === at) return;
    group.dueAt = at;
    group.version++;
    if (at < Number.POSITIVE_INFINITY)
      this.#timeline.push({ at, group, version: group.version, waiter: undefined });
  }

  #remove(waiter: Waiter): void {
    if (waiter.gone) return;
    waiter.group.line.remove(waiter);
    this.#shares.remove(waiter);
    this.#size--;
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    this.#idle(waiter.group);
  }

  /** A group with nobody in line and no head out is forgotten (tenants' own groups come and go). */
  #idle(group: Group): void {
    if (group.line.size > 0 || group.head) return;
    this.#busy.delete(group);
    if (group.key !== undefined) this.#groups.delete(group.key);
    if (group.dueAt < Number.POSITIVE_INFINITY) {
      group.dueAt = Number.POSITIVE_INFINITY;
      group.version++;
    }
  }

  #resolve(woken: Waiter[]): void {
    if (woken.length > 1) woken.sort(before);
    for (const waiter of woken) waiter.resolve();
  }

  /** Runs everything due by now: groups' turns and deadlines. */
  #fire(now: number): void {
    const woken: Waiter[] = [];
    let next = this.#timeline.peek();
    while (next && next.at <= now) {
      this.#timeline.pop();
      const { group, waiter } = next;
      if (waiter) {
        // At its deadline a waiter wakes anyway, but only to fail: it does not take the head's turn.
        if (!waiter.gone) {
          this.#remove(waiter);
          woken.push(waiter);
        }
      } else if (next.version === group.version) this.#turn(group, now, woken);
      next = this.#timeline.peek();
    }
    this.#resolve(woken);
  }

  /** (Re)arms the single timer for the earliest live entry, or disarms it when nothing is due. */
  #arm(): void {
    let next = this.#timeline.peek();
    while (next && this.#stale(next)) {
      this.#timeline.pop();
      next = this.#timeline.peek();
    }
    if (this.#timeline.length > 64 && this.#timeline.length > 4 * (this.#size + this.#busy.size))
      this.#timeline = new TinyQueue(
        this.#timeline.data.filter((entry) => !this.#stale(entry)),
        byTime,
      );
    const earliest = next?.at ?? Number.POSITIVE_INFINITY;
    if (earliest === this.#timerAt) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = earliest;
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#fire(this.#clock.now());
        this.#arm();
      },
      Math.max(0, earliest - this.#clock.now()),
    );
  }

  #stale(entry: Timed): boolean {
    return entry.waiter ? entry.waiter.gone : entry.version !== entry.group.version;
  }
}
