import TinyQueue from 'tinyqueue';
import type { Share } from './fair-share.js';

type Holding<T> = { count: number; newest: TinyQueue<T> };

const latestFirst = (a: Share, b: Share) => b.seq - a.seq;

/**
 * How many of a full queue's places each tenant holds, so that one tenant flooding the queue cannot
 * keep the others out of it: a tenant below its weighted share of `queue.maxWaiting` still gets in,
 * and the latest waiter of the tenant furthest over its share makes room (with `QueueFullError`).
 * O(1) per waiter added or removed (plus a heap push); the full-queue path visits each waiting tenant.
 */
export class QueueShares<T extends Share> {
  readonly #weightOf: (tenant: string) => number;
  readonly #tenants = new Map<string, Holding<T>>();

  constructor(weightOf: (tenant: string) => number) {
    this.#weightOf = weightOf;
  }

  add(item: T): void {
    let holding = this.#tenants.get(item.tenant);
    if (!holding) {
      holding = { count: 0, newest: new TinyQueue<T>([], latestFirst) };
      this.#tenants.set(item.tenant, holding);
    }
    holding.count++;
    holding.newest.push(item);
  }

  /** `item` left the line (woken, aborted, timed out); it is already marked `gone`. */
  remove(item: T): void {
    const holding = this.#tenants.get(item.tenant);
    if (!holding) return;
    holding.count--;
    if (holding.count === 0) this.#tenants.delete(item.tenant);
    else if (holding.newest.length > 2 * holding.count + 64)
      holding.newest = new TinyQueue(
        holding.newest.data.filter((waiter) => !waiter.gone),
        latestFirst,
      );
  }

  /**
   * The queue is full and a request of `tenant` wants in: the waiter to turn away for it, or undefined
   * when `tenant` already holds its share (then the newcomer is the one refused).
   */
  victimFor(tenant: string, maxWaiting: number): T | undefined {
    let total = this.#tenants.has(tenant) ? 0 : this.#weightOf(tenant);
    for (const id of this.#tenants.keys()) total += this.#weightOf(id);
    const share = (id: string) => (maxWaiting * this.#weightOf(id)) / total;
    if ((this.#tenants.get(tenant)?.count ?? 0) + 1 > share(tenant)) return undefined;
    let furthest: Holding<T> | undefined;
    let over = 0;
    for (const [id, holding] of this.#tenants) {
      const excess = holding.count - share(id);
      if (id !== tenant && excess > over) {
        over = excess;
        furthest = holding;
      }
    }
    if (!furthest) return undefined;
    let item = furthest.newest.pop();
    while (item?.gone) item = furthest.newest.pop();
    return item;
  }
}
