import type { Amounts, BudgetLimits, MemoryStore } from '@spillway/core';
import { DIMENSIONS, memoryStore } from '@spillway/core';
import type { BudgetMirror } from './budget-mirror.js';

/** One key's budget while Redis could not be reached, and what was spent from it that Redis has not seen. */
export type Outage = {
  /** A memory store holding this key only, started from the level Redis last reported. */
  readonly store: MemoryStore;
  /** Net units admitted locally (reserved, corrected by settles) per dimension. */
  readonly spent: Amounts;
  /** Bumped on every local change, so a charge sent before one is not taken to cover it. */
  changes: number;
  /** A charge for this outage is on its way to Redis: no second one until it is answered. */
  charging: boolean;
};

/** What a process owes Redis for an outage: units per dimension and a cooldown to restore. */
export type Charge = { readonly owed: Amounts; readonly cooldownMs: number; readonly changes: number };

/**
 * The per-process side of an outage. While Redis is unreachable each key is served by its own memory
 * store that starts at the level Redis last reported, scaled by `share`, so N processes with a share of
 * 1/N together hand out what Redis had left, not N fresh shares. What is spent there is remembered and,
 * once Redis answers again, charged to the shared budget with the next reservation.
 */
export class OutageLedger {
  #outages = new Map<string, Outage>();
  #mirror: BudgetMirror;
  #share: number;

  constructor(mirror: BudgetMirror, share: number) {
    this.#mirror = mirror;
    this.#share = share;
  }

  /** The key's outage, started now (from the mirror) if there is none yet. */
  open(key: string, now: number): Outage {
    let outage = this.#outages.get(key);
    if (outage) return outage;
    const store = memoryStore();
    const share = this.#share;
    // Learned at the scaled capacity, so the configured limits do not widen it again.
    for (const bucket of this.#mirror.buckets(key, now)) {
      store.observe(
        key,
        {
          [bucket.dimension]: {
            limit: bucket.capacity * share,
            remaining: bucket.available * share,
            windowMs: bucket.windowMs,
          },
        },
        now,
      );
    }
    outage = { store, spent: {}, changes: 0, charging: false };
    this.#outages.set(key, outage);
    return outage;
  }

  /** Records a local change of `amounts` (positive: taken; negative: given back). */
  spend(outage: Outage, amounts: Amounts, sign: 1 | -1): void {
    for (const dimension of DIMENSIONS) {
      const amount = amounts[dimension];
      if (amount) outage.spent[dimension] = (outage.spent[dimension] ?? 0) + sign * amount;
    }
    outage.changes++;
  }

  /**
   * What to charge Redis for the key's outage, or undefined when there is none (or one is in flight).
   * Per dimension, the units spent locally that have not refilled since: the local bucket repays its
   * oldest debt first, so of what it still misses (capacity - level) the most recent part, up to what was
   * spent, is the outage's. A key with nothing to tell is closed at once.
   */
  charge(key: string, limits: BudgetLimits, now: number): Charge | undefined {
    const outage = this.#outages.get(key);
    if (!outage || outage.charging) return undefined;
    const levels = outage.store.inspect(key, limits, now);
    const owed: Amounts = {};
    let any = false;
    for (const dimension of DIMENSIONS) {
      const spent = outage.spent[dimension] ?? 0;
      const level = levels[dimension];
      if (!level || spent <= 0) continue;
      const amount = Math.min(spent, level.capacity - level.available);
      if (amount > 0) {
        owed[dimension] = amount;
        any = true;
      }
    }
    const cooldownMs = Math.max(0, Math.ceil(this.#mirror.cooldownUntil(key, now) - now));
    if (!any && cooldownMs === 0) {
      this.#outages.delete(key);
      return undefined;
    }
    outage.charging = true;
    return { owed, cooldownMs, changes: outage.changes };
  }

  /** Redis took the charge: the outage is over, or keeps only what was spent after the charge was made. */
  charged(key: string, charge: Charge): void {
    const outage = this.#outages.get(key);
    if (!outage) return;
    outage.charging = false;
    if (outage.changes === charge.changes) {
      this.#outages.delete(key);
      return;
    }
    this.spend(outage, charge.owed, -1);
  }

  /** The charge did not reach Redis (or its answer did not come back): it is sent again later. */
  unsent(key: string): void {
    const outage = this.#outages.get(key);
    if (outage) outage.charging = false;
  }
}
