import type { Amounts, BudgetLimits } from '@spillway/core';
import { DIMENSIONS } from '@spillway/core';

const COUNT = DIMENSIONS.length;

/**
 * One key's lease in this process: a slice of each shared bucket taken in one script call and spent
 * here without a round trip, until it runs out or expires. See docs/decisions/2110-redis-admission-leases.md.
 */
export type Lease = {
  /** The limits and router time of the last call, for a return sent by the timer or `close()`. */
  limits: BudgetLimits;
  now: number;
  /** Spendable units per dimension (`DIMENSIONS` order). */
  readonly units: number[];
  /** Whether the key had a bucket of that dimension when the slice was granted (else: unlimited here). */
  readonly bounded: boolean[];
  /** What goes back to Redis with the next script call: settled differences (negative: an overrun). */
  readonly returns: number[];
  /** The slice may be spent until both clocks pass these (the router's may be a fake one). */
  expiresAt: number;
  expiresAtWall: number;
  /** For headroom: the tightest bucket's level Redis reported after the grant, and its capacity. */
  readonly level: number[];
  readonly capacity: number[];
  /** Units used since the last renewal started, and when it did (wall clock): the process's rate. */
  readonly used: number[];
  readonly rate: number[];
  since: number;
  /** A renewal in flight: other reservations of the key wait for it instead of sending their own. */
  renewing: Promise<unknown> | undefined;
  /** Returns what is left once the slice expires, if no renewal does it first. */
  timer: ReturnType<typeof setTimeout> | undefined;
};

/** What a renewal sends: units returned and the slice wanted, per dimension. */
export type Renewal = { returns: number[]; wants: number[] };

/**
 * Every lease this process holds. A process takes a slice of each bucket in one script call sized to its
 * own rate (`targetMs` of its recent use) and capped by the script at a fraction of what the bucket has
 * left, so slices shrink to nothing near the limit: the group never takes more than Redis hands out.
 */
export class LeaseBook {
  readonly #leases = new Map<string, Lease>();
  readonly #leaseMs: number;

  constructor(leaseMs: number) {
    this.#leaseMs = leaseMs;
  }

  get leaseMs(): number {
    return this.#leaseMs;
  }

  get(key: string): Lease | undefined {
    return this.#leases.get(key);
  }

  of(key: string, limits: BudgetLimits): Lease {
    let lease = this.#leases.get(key);
    if (!lease) {
      lease = {
        limits,
        now: 0,
        units: new Array(COUNT).fill(0),
        bounded: new Array(COUNT).fill(false),
        returns: new Array(COUNT).fill(0),
        expiresAt: 0,
        expiresAtWall: 0,
        level: new Array(COUNT).fill(0),
        capacity: new Array(COUNT).fill(0),
        used: new Array(COUNT).fill(0),
        rate: new Array(COUNT).fill(0),
        since: 0,
        renewing: undefined,
        timer: undefined,
      };
      this.#leases.set(key, lease);
    }
    return lease;
  }

  /**
   * Takes `amounts` from the key's slice: the headroom (fraction of capacity this process can still see
   * after it), or -1 when the slice is missing, expired or short (the caller then renews).
   */
  take(key: string, amounts: Amounts, now: number): number {
    const lease = this.#leases.get(key);
    if (!lease || now >= lease.expiresAt || performance.now() >= lease.expiresAtWall) return -1;
    const { units, bounded } = lease;
    for (let i = 0; i < COUNT; i++) {
      const amount = amounts[DIMENSIONS[i] as keyof Amounts];
      if (amount && bounded[i] && (units[i] as number) < amount) return -1;
    }
    let headroom = 1;
    for (let i = 0; i < COUNT; i++) {
      const amount = amounts[DIMENSIONS[i] as keyof Amounts];
      if (!amount) continue;
      (lease.used[i] as number) += amount;
      if (!bounded[i]) continue;
      (units[i] as number) -= amount;
      const left = ((lease.level[i] as number) + (units[i] as number)) / (lease.capacity[i] as number);
      if (left < headroom) headroom = left;
    }
    return Math.max(0, headroom);
  }

  /**
   * Starts a renewal: everything unspent and every settled difference goes back with it, and the slice
   * wanted is this process's rate times `targetMs` (nothing until it has a rate).
   */
  renewal(lease: Lease, amounts: Amounts, targetMs: number): Renewal {
    const wall = performance.now();
    const elapsed = wall - lease.since;
    const returns = new Array<number>(COUNT);
    const wants = new Array<number>(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const used = (lease.used[i] as number) + (amounts[DIMENSIONS[i] as keyof Amounts] ?? 0);
      if (lease.since > 0 && elapsed > 0) {
        const rate = used / elapsed;
        lease.rate[i] = lease.rate[i] ? ((lease.rate[i] as number) + rate) / 2 : rate;
      }
      lease.used[i] = 0;
      wants[i] = Math.floor((lease.rate[i] as number) * targetMs);
      returns[i] = (lease.units[i] as number) + (lease.returns[i] as number);
      lease.units[i] = 0;
      lease.returns[i] = 0;
    }
    lease.since = wall;
    lease.expiresAt = 0;
    lease.expiresAtWall = 0;
    return { returns, wants };
  }

  /** What is owed back without asking for a slice (the timer, `close()`): undefined when nothing is. */
  giveBack(lease: Lease): Renewal | undefined {
    let any = false;
    const returns = new Array<number>(COUNT);
    for (let i = 0; i < COUNT; i++) {
      returns[i] = (lease.units[i] as number) + (lease.returns[i] as number);
      if (returns[i] !== 0) any = true;
      lease.units[i] = 0;
      lease.returns[i] = 0;
    }
    lease.expiresAt = 0;
    lease.expiresAtWall = 0;
    return any ? { returns, wants: new Array(COUNT).fill(0) } : undefined;
  }

  /**
   * The renewal was answered. `grants` per dimension ('-1': no bucket); `levels` the tightest level and
   * capacity per dimension Redis reported. A slice is kept only when something was granted.
   */
  granted(lease: Lease, grants: readonly string[], levels: Levels, now: number, sentWall: number): boolean {
    let any = false;
    for (let i = 0; i < COUNT; i++) {
      const grant = Number(grants[i] ?? -1);
      lease.bounded[i] = grant >= 0;
      lease.units[i] = Math.max(0, grant);
      if (grant > 0) any = true;
      const level = levels[i];
      lease.level[i] = level ? level.available : 0;
      lease.capacity[i] = level ? level.capacity : 1;
    }
    if (any) {
      lease.expiresAt = now + this.#leaseMs;
      lease.expiresAtWall = sentWall + this.#leaseMs;
    }
    return any;
  }

  /**
   * The renewal failed: what it gave back may not have arrived. An unspent slice is dropped (counted as
   * spent: never over); an overrun it carried is kept to charge again (counted twice at worst).
   */
  failed(lease: Lease, sent: Renewal): void {
    for (let i = 0; i < COUNT; i++) {
      const back = sent.returns[i] as number;
      if (back < 0) (lease.returns[i] as number) += back;
    }
  }

  /**
   * A call ended: what it reserved minus what it used goes back with the next script call. An overrun
   * comes out of a live slice first, so the process does not spend units it already owes.
   */
  settle(lease: Lease, reserved: Amounts, actual: Amounts, now: number): void {
    const live = this.live(lease, now);
    for (let i = 0; i < COUNT; i++) {
      const dimension = DIMENSIONS[i] as keyof Amounts;
      const delta = (reserved[dimension] ?? 0) - (actual[dimension] ?? 0);
      if (!delta) continue;
      if (delta < 0 && live && lease.bounded[i]) (lease.units[i] as number) += delta;
      else (lease.returns[i] as number) += delta;
    }
  }

  /** Whether the slice can still be spent. */
  live(lease: Lease, now: number): boolean {
    return now < lease.expiresAt && performance.now() < lease.expiresAtWall;
  }

  /** This process's unspent units of `dimension` for `key` (shown by `inspect`). */
  held(key: string, index: number, now: number): number {
    const lease = this.#leases.get(key);
    if (!lease || !this.live(lease, now)) return 0;
    return lease.units[index] as number;
  }

  /**
   * The live slice's unspent units per dimension, for a provider's `remaining` to be read against; none
   * while a renewal is in flight (the script it is queued behind replaces the slice).
   */
  unspent(key: string, now: number): readonly number[] | undefined {
    const lease = this.#leases.get(key);
    if (!lease || lease.renewing || !this.live(lease, now)) return undefined;
    return lease.units;
  }

  all(): IterableIterator<[string, Lease]> {
    return this.#leases.entries();
  }
}

/** The tightest bucket per dimension (`DIMENSIONS` order), as a reply's snapshot listed them. */
export type Levels = Array<{ available: number; capacity: number } | undefined>;

export function levelsOf(flat: readonly string[]): Levels {
  const levels: Levels = new Array(COUNT).fill(undefined);
  for (let i = 0; i + 3 < flat.length; i += 4) {
    const index = DIMENSIONS.indexOf(flat[i] as (typeof DIMENSIONS)[number]);
    if (index < 0) continue;
    const capacity = Number(flat[i + 1]);
    const available = Number(flat[i + 2]);
    const current = levels[index];
    if (!current || available / capacity < current.available / current.capacity)
      levels[index] = { available, capacity };
  }
  return levels;
}
