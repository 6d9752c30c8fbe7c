import type { BudgetLimits, Dimension } from '@spillway/core';
import { DIMENSIONS } from '@spillway/core';

type SeenBucket = { capacity: number; available: number; windowMs: number };
type Seen = { at: number; buckets: Partial<Record<Dimension, SeenBucket>>; cooldownUntil: number };
export type Inspection = Partial<Record<Dimension, { capacity: number; available: number }>>;

/**
 * What this process last heard from Redis about each key: the tightest bucket per dimension and the
 * cooldown deadline (in the router's clock). Every script answers with it, so `inspect` and
 * `cooldownUntil` answer synchronously, off the network. A cooldown another process set shows here after
 * this process's next reservation for that key, which Redis refuses while the key cools down.
 */
export class BudgetMirror {
  #keys = new Map<string, Seen>();

  #entry(key: string, now: number): Seen {
    let seen = this.#keys.get(key);
    if (!seen) {
      seen = { at: now, buckets: {}, cooldownUntil: 0 };
      this.#keys.set(key, seen);
    }
    return seen;
  }

  /** Records a script's snapshot: flat (dimension, capacity, available, windowMs) strings. */
  budgets(key: string, flat: readonly string[], now: number): void {
    const seen = this.#entry(key, now);
    seen.at = now;
    seen.buckets = {};
    for (let i = 0; i + 3 < flat.length; i += 4) {
      seen.buckets[flat[i] as Dimension] = {
        capacity: Number(flat[i + 1]),
        available: Number(flat[i + 2]),
        windowMs: Number(flat[i + 3]),
      };
    }
  }

  /** Raises the known cooldown of `key` to `until`; never lowers it. */
  cooldown(key: string, until: number, now: number): number {
    const seen = this.#entry(key, now);
    if (until > seen.cooldownUntil) seen.cooldownUntil = until;
    return seen.cooldownUntil;
  }

  cooldownUntil(key: string, now: number): number {
    const until = this.#keys.get(key)?.cooldownUntil ?? 0;
    return until > now ? until : 0;
  }

  /** The last snapshot refilled to `now`; configured limits count as full where nothing was heard. */
  inspect(key: string, limits: BudgetLimits, now: number): Inspection {
    const seen = this.#keys.get(key);
    const result: Inspection = {};
    for (const dimension of DIMENSIONS) {
      const bucket = seen?.buckets[dimension];
      if (bucket && seen) {
        const refilled = bucket.available + ((now - seen.at) * bucket.capacity) / bucket.windowMs;
        result[dimension] = { capacity: bucket.capacity, available: Math.min(bucket.capacity, refilled) };
        continue;
      }
      const limit = limits[dimension];
      if (limit) result[dimension] = { capacity: limit.capacity, available: limit.capacity };
    }
    return result;
  }
}
