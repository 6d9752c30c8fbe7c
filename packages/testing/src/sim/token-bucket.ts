/**
 * A continuously refilling bucket: `capacity` units, refilled at capacity per `windowMs`. The level may
 * go below zero when a request is settled to more than it was charged (the services carry that debt).
 */
export class TokenBucket {
  readonly capacity: number;
  readonly #perMs: number;
  #level: number;
  #at: number;

  constructor(capacity: number, windowMs: number, now: number) {
    this.capacity = capacity;
    this.#perMs = capacity / windowMs;
    this.#level = capacity;
    this.#at = now;
  }

  level(now: number): number {
    if (now > this.#at) {
      this.#level = Math.min(this.capacity, this.#level + (now - this.#at) * this.#perMs);
      this.#at = now;
    }
    return this.#level;
  }

  /** Takes `amount` if it is there; returns whether it was. */
  tryTake(amount: number, now: number): boolean {
    if (this.level(now) < amount) return false;
    this.#level -= amount;
    return true;
  }

  /** Takes `amount` without checking (a negative amount gives back), e.g. to settle to actual usage. */
  adjust(amount: number, now: number): void {
    this.#level = Math.min(this.capacity, this.level(now) - amount);
  }

  /** Milliseconds until `amount` units are available (0 if they are now). */
  msUntil(amount: number, now: number): number {
    const missing = amount - this.level(now);
    return missing > 0 ? missing / this.#perMs : 0;
  }

  msUntilFull(now: number): number {
    return this.msUntil(this.capacity, now);
  }
}
