/** The tenant a request without `tenant` belongs to (and whose `tenants` entry configures it). */
export const DEFAULT_TENANT = 'default';

/** What `router.stats().tenants[id]` reports. */
export type TenantStats = {
  /** Requests started. */
  requests: number;
  /** Requests that waited in the queue for capacity at least once. */
  waited: number;
  /** Requests held back by the tenant's own `rpm` / `tpm` at least once. */
  rateLimited: number;
  /** The tenant's own rpm/tpm buckets, when it has limits. */
  budget?: Record<string, { capacity: number; available: number }>;
};

/** One tenant's counters, updated in O(1) on the request path. */
export class TenantTally {
  readonly id: string;
  requests = 0;
  waited = 0;
  rateLimited = 0;

  constructor(id: string) {
    this.id = id;
  }

  snapshot(): TenantStats {
    return { requests: this.requests, waited: this.waited, rateLimited: this.rateLimited };
  }
}

/** Counters per tenant, created on a tenant's first request. */
export class TenantBook {
  readonly #tallies = new Map<string, TenantTally>();

  of(tenant: string | undefined): TenantTally {
    const id = tenant ?? DEFAULT_TENANT;
    let tally = this.#tallies.get(id);
    if (!tally) {
      tally = new TenantTally(id);
      this.#tallies.set(id, tally);
    }
    return tally;
  }

  values(): IterableIterator<TenantTally> {
    return this.#tallies.values();
  }
}
