import type { SpendHold, SpendSettlement } from '../store.js';

type Total = { windowStart: number; windowEnd: number; spentUsd: number };

/**
 * Spend totals in memory, one per budget key, for the window they are in. `reserve` is all or
 * nothing across holds; a hold settled after its window ended changes nothing (the new window never
 * saw it). Synchronous: the memory store's admission stays free of promises and timers.
 */
export class SpendLedger {
  readonly #totals = new Map<string, Total>();

  /** The index of the first hold that does not fit, or -1 after taking them all. */
  reserve(holds: readonly SpendHold[], scale = 1): number {
    for (let index = 0; index < holds.length; index++) {
      const hold = holds[index] as SpendHold;
      // A hair of tolerance: sums of float dollars must not refuse a call that fits exactly.
      if (this.spent(hold.key, hold.windowStart) + hold.amountUsd > hold.limitUsd * scale + 1e-12)
        return index;
    }
    for (const hold of holds) this.#add(hold.key, hold.windowStart, hold.windowEnd, hold.amountUsd);
    return -1;
  }

  settle(settlements: readonly SpendSettlement[]): void {
    for (const item of settlements) {
      const total = this.#totals.get(item.key);
      if (total?.windowStart !== item.windowStart) continue;
      total.spentUsd = Math.max(0, total.spentUsd + item.actualUsd - item.reservedUsd);
    }
  }

  /** Adds spend outright (what a process handed out while it could not reach a shared store). */
  charge(key: string, windowStart: number, windowEnd: number, amountUsd: number): void {
    this.#add(key, windowStart, windowEnd, amountUsd);
  }

  /** Sets what a shared store said a total is, keeping it if this process knows of more. */
  learn(key: string, windowStart: number, windowEnd: number, spentUsd: number): void {
    const total = this.#totals.get(key);
    if (total?.windowStart === windowStart) total.spentUsd = spentUsd;
    else if (!total || total.windowStart < windowStart)
      this.#totals.set(key, { windowStart, windowEnd, spentUsd });
  }

  spent(key: string, windowStart: number): number {
    const total = this.#totals.get(key);
    return total?.windowStart === windowStart ? total.spentUsd : 0;
  }

  known(key: string, windowStart: number): number | undefined {
    const total = this.#totals.get(key);
    return total?.windowStart === windowStart ? total.spentUsd : undefined;
  }

  #add(key: string, windowStart: number, windowEnd: number, amountUsd: number): void {
    const total = this.#totals.get(key);
    if (total?.windowStart === windowStart) total.spentUsd += amountUsd;
    else if (!total || total.windowStart < windowStart)
      this.#totals.set(key, { windowStart, windowEnd, spentUsd: amountUsd });
  }
}
