import TinyQueue from 'tinyqueue';

/** What the fair share orders: one waiting request. `gone` marks one removed while still in a heap. */
export type Share = { tenant: string; priority: number; seq: number; gone: boolean };

/** Within a tenant: higher priority first, then earlier arrival. */
export function before(a: Share, b: Share): number {
  return b.priority - a.priority || a.seq - b.seq;
}

/** One tenant's line in one group, and how much service it has had (`pass`, in virtual time). */
type Flow<T extends Share> = {
  tenant: string;
  waiters: TinyQueue<T>;
  live: number;
  pass: number;
  stride: number;
  /** Bumped whenever its pass or first waiter changes: older entries in the flow heap are stale. */
  version: number;
};

/** A flow's place in the heap of flows, frozen when pushed (a heap's keys must not change under it). */
type Entry<T extends Share> = { flow: Flow<T>; pass: number; seq: number; version: number };

const byPass = <T extends Share>(a: Entry<T>, b: Entry<T>) => a.pass - b.pass || a.seq - b.seq;

/**
 * The requests waiting for one thing (a model's capacity), served in weighted fair shares by tenant:
 * stride scheduling. Each tenant with waiters has a `pass`; the lowest goes next, and each admission
 * adds `1 / weight` to its tenant's pass, so while tenants are backlogged each gets turns in proportion
 * to its weight. A tenant that starts waiting joins at the group's virtual time (the pass of the last one
 * served): it cannot claim turns it did not use while idle, and a lone tenant gets every turn. Within a
 * tenant, priority then arrival. Every operation is O(log n); removals are lazy (`gone`).
 */
export class FairShare<T extends Share> {
  readonly #weightOf: (tenant: string) => number;
  readonly #flows = new Map<string, Flow<T>>();
  #order = new TinyQueue<Entry<T>>([], byPass);
  /** The pass of the last tenant served: where a tenant that starts waiting joins. */
  #virtual = 0;
  #size = 0;

  constructor(weightOf: (tenant: string) => number) {
    this.#weightOf = weightOf;
  }

  get size(): number {
    return this.#size;
  }

  add(item: T): void {
    const flow = this.#flows.get(item.tenant) ?? this.#flow(item.tenant);
    if (flow.live === 0 && flow.pass < this.#virtual) flow.pass = this.#virtual;
    const first = this.#first(flow);
    flow.waiters.push(item);
    flow.live++;
    this.#size++;
    if (!first || before(item, first) < 0) this.#enter(flow);
  }

  #flow(tenant: string): Flow<T> {
    const flow: Flow<T> = {
      tenant,
      waiters: new TinyQueue<T>([], before),
      live: 0,
      pass: this.#virtual,
      stride: 1 / this.#weightOf(tenant),
      version: 0,
    };
    this.#flows.set(tenant, flow);
    return flow;
  }

  /** Marks `item` removed (an abort, a deadline); it is skipped when it reaches the top. */
  remove(item: T): void {
    if (item.gone) return;
    item.gone = true;
    const flow = this.#flows.get(item.tenant);
    if (!flow) return;
    flow.live--;
    this.#size--;
    if (flow.live === 0) this.#forget(flow);
    else if (flow.waiters.peek() === item) this.#enter(flow);
    else if (flow.waiters.length > 2 * flow.live + 64)
      flow.waiters = new TinyQueue(
        flow.waiters.data.filter((waiter) => !waiter.gone),
        before,
      );
  }

  /** The waiter whose turn it is, without taking it. */
  peek(): T | undefined {
    const flow = this.#nextFlow();
    return flow ? this.#first(flow) : undefined;
  }

  /** Takes the waiter whose turn it is. Its tenant's pass moves on only when it is `charge`d. */
  take(): T | undefined {
    const flow = this.#nextFlow();
    if (!flow) return undefined;
    const item = this.#first(flow) as T;
    flow.waiters.pop();
    item.gone = true;
    flow.live--;
    this.#size--;
    if (flow.live === 0) this.#forget(flow);
    else this.#enter(flow);
    return item;
  }

  /** `tenant` was served one turn: its pass moves on by its stride, and virtual time to its old pass. */
  charge(tenant: string): void {
    let flow = this.#flows.get(tenant);
    if (!flow) {
      // Its line emptied when its last waiter was woken: remember the turn it just had.
      flow = this.#flow(tenant);
    }
    const start = Math.max(flow.pass, this.#virtual);
    this.#virtual = start;
    flow.pass = start + flow.stride;
    if (flow.live > 0) this.#enter(flow);
  }

  /** Every waiter still in line (for close()). */
  *drain(): Generator<T> {
    for (const flow of this.#flows.values()) for (const item of flow.waiters.data) if (!item.gone) yield item;
  }

  // A flow with no waiters is forgotten once it is not ahead of virtual time: rejoining gives it the
  // same pass, so only tenants that had more than their share stay (until the others catch up).
  #forget(flow: Flow<T>): void {
    flow.version++;
    flow.waiters = new TinyQueue<T>([], before);
    if (flow.pass <= this.#virtual) this.#flows.delete(flow.tenant);
  }

  #enter(flow: Flow<T>): void {
    const first = this.#first(flow);
    if (!first) return;
    flow.version++;
    this.#order.push({ flow, pass: flow.pass, seq: first.seq, version: flow.version });
  }

  /** The flow's first live waiter, dropping removed ones from its top. */
  #first(flow: Flow<T>): T | undefined {
    let item = flow.waiters.peek();
    while (item?.gone) {
      flow.waiters.pop();
      item = flow.waiters.peek();
    }
    return item;
  }

  #nextFlow(): Flow<T> | undefined {
    let entry = this.#order.peek();
    while (entry && (entry.version !== entry.flow.version || entry.flow.live === 0)) {
      this.#order.pop();
      entry = this.#order.peek();
    }
    if (this.#order.length > 64 && this.#order.length > 4 * this.#flows.size) this.#compact();
    return entry?.flow;
  }

  // Stale entries (a flow re-entered at a new pass) are dropped when they surface; this bounds them.
  #compact(): void {
    const live = this.#order.data.filter(
      (entry) => entry.version === entry.flow.version && entry.flow.live > 0,
    );
    this.#order = new TinyQueue(live, byPass);
  }
}
