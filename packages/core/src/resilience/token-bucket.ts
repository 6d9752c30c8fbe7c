// Token-bucket arithmetic, pure: no clock, no storage. A bucket holds up to `capacity` units and refills
// continuously at `capacity / windowMs` units per millisecond, the way providers describe their limits
// ("60 RPM" may be enforced as one request a second). The level may go below zero: when a call used more
// than it reserved, the provider still counted it, and the debt delays the next admission.

export type Bucket = {
  capacity: number;
  windowMs: number;
  /** Units available at `at` (may be negative after an overrun). */
  level: number;
  at: number;
};

/** A full bucket as of `now`. */
export function fullBucket(capacity: number, windowMs: number, now: number): Bucket {
  return { capacity, windowMs, level: capacity, at: now };
}

/** Brings `bucket` forward to `now` (in place): adds what refilled since `at`, up to capacity. */
export function refill(bucket: Bucket, now: number): void {
  const elapsed = now - bucket.at;
  if (elapsed > 0) {
    const level = bucket.level + (elapsed * bucket.capacity) / bucket.windowMs;
    bucket.level = Math.min(level, bucket.capacity);
    bucket.at = now;
  }
}

/**
 * Milliseconds until `amount` fits in a bucket already refilled to now: 0 when it fits, `Infinity` when
 * it never can (more than the capacity). `slackMs` of refill must be left over as well, up to capacity.
 */
export function timeUntilFits(bucket: Bucket, amount: number, slackMs = 0): number {
  if (amount > bucket.capacity) return Number.POSITIVE_INFINITY;
  const slack = slackMs > 0 ? (slackMs * bucket.capacity) / bucket.windowMs : 0;
  const missing = Math.min(amount + slack, bucket.capacity) - bucket.level;
  if (missing <= 0) return 0;
  return Math.ceil((missing * bucket.windowMs) / bucket.capacity);
}

/** Adds `amount` back (negative: takes more), never above capacity. */
export function credit(bucket: Bucket, amount: number): void {
  const level = bucket.level + amount;
  bucket.level = Math.min(level, bucket.capacity);
}

/** Changes a bucket's capacity or window (a learned limit), keeping the units already used. */
export function resize(bucket: Bucket, capacity: number, windowMs: number): void {
  const used = bucket.capacity - bucket.level;
  bucket.capacity = capacity;
  bucket.windowMs = windowMs;
  bucket.level = capacity - used;
}
