import type { BudgetLimits, Dimension } from '@spillway/core';
import { DIMENSIONS } from '@spillway/core';

export type SeenBucket = { dimension: Dimension; capacity: number; available: number; windowMs: number };
type Seen = { at: number; buckets: SeenBucket[]; cooldownUntil: number };
export type Inspection = Partial<Record<Dimension, { capacity: number; available: number }>>;

/**
 * What this process last heard from Redis about each key: every bucket and the cooldown deadline (in the
 * router's clock). Every script answers with it, so `inspect` and `cooldownUntil` answer synchronously,
 * off the network, and a fallback started during an outage begins where Redis left off. A cooldown another
 * process set shows here after this process's next reservation for that key, which Redis refuses while
 * the key cools down.
 */
export class BudgetMirror {
  #keys = new Map<string, Seen>();

  #entry(key: string, now: number): Seen {
    let seen = this.#keys.get(key);
    if (!seen) {
      seen = { at: now, buckets: [], cooldownUntil: 0 };
      this.#keys.set(key, seen);
    }
    return seen;
  }

  /** Records a script's snapshot: flat (dimension, capacity, available, windowMs) strings. */
  budgets(key: string, flat: readonly string[], now: number): void {
    const seen = this.#entry(key, now);
    seen.at = now;
    seen.buckets = [];
    for (let i = 0; i + 3 < flat.length; i += 4) {
      seen.buckets.push({
        dimension: flat[i] as Dimension,
        capacity: Number(flat[i + 1]),
        available: Number(flat[i + 2]),
        windowMs: Number(flat[i + 3]),
      });
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

  /** Every bucket of the last snapshot, refilled to `now`. */
  buckets(key: string, now: number): SeenBucket[] {
    const seen = this.#keys.get(key);
    if (!seen) return [];
    return seen.buckets.map((bucket) => ({ ...bucket, available: refilled(bucket, now - seen.at) }));
  }

  /**
   * Whether a budget Redis no longer has must have been lost: the last reply showed a bucket that has not
   * refilled since, and Redis keeps a key until all its buckets are full again, so it cannot have expired.
   */
  lost(key: string, now: number): boolean {
    const seen = this.#keys.get(key);
    if (!seen) return false;
    for (const bucket of seen.buckets) if (refilled(bucket, now - seen.at) < bucket.capacity) return true;
    return false;
  }

  /** The tightest bucket per dimension, refilled to `now`; configured limits count as full where nothing was heard. */
  inspect(key: string, limits: BudgetLimits, now: number): Inspection {
    const seen = this.#keys.get(key);
    const result: Inspection = {};
    if (seen) {
      for (const bucket of seen.buckets) {
        const available = refilled(bucket, now - seen.at);
        const current = result[bucket.dimension];
        if (!current || available / bucket.capacity < current.available / current.capacity)
          result[bucket.dimension] = { capacity: bucket.capacity, available };
      }
    }
    for (const dimension of DIMENSIONS) {
      const limit = limits[dimension];
      if (limit && !result[dimension])
        result[dimension] = { capacity: limit.capacity, available: limit.capacity };
    }
    return result;
  }
}

function refilled(bucket: SeenBucket, elapsedMs: number): number {
  const level = bucket.available + (Math.max(0, elapsedMs) * bucket.capacity) / bucket.windowMs;
  return Math.min(level, bucket.capacity);
}
