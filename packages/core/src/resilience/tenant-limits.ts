import type { TenantOptions } from '../budgets/budget-options.js';
import type { Admission } from '../router/candidate-gate.js';
import type { Amounts, BudgetLimits, MaybePromise, ReserveResult, RouterStore } from '../store.js';
import { budgetLimits } from './budget-plan.js';

/** A tenant's own rpm/tpm, as store buckets under a key no `provider/model` key can equal. */
export type TenantLimit = { tenant: string; key: string; limits: BudgetLimits; group: string };

/** What an admitted call holds of its tenant's buckets, settled with the model's. */
export type TenantHold = { limit: TenantLimit; reserved: Amounts };

// Model keys always contain '/': an encoded tenant id never does, so the two cannot collide in a store.
const storeKey = (tenant: string) => `tenant:${encodeURIComponent(tenant)}`;

/**
 * Per-tenant ceilings across the router (`tenants[id].rpm` / `.tpm`): continuous buckets in the router's
 * store, reserved at admission before the model's own and settled like them, so in Redis every process
 * shares one ceiling per tenant. Only tenants with limits are here: the rest cost one map lookup.
 */
export class TenantLimits {
  readonly #store: RouterStore;
  readonly #limits = new Map<string, TenantLimit>();

  constructor(store: RouterStore, tenants: ReadonlyMap<string, TenantOptions>) {
    this.#store = store;
    for (const [tenant, options] of tenants) {
      if (options.rpm === undefined && options.tpm === undefined) continue;
      this.#limits.set(tenant, {
        tenant,
        key: storeKey(tenant),
        limits: budgetLimits({ rpm: options.rpm, tpm: options.tpm }),
        // The queue group its requests wait in when their tenant, not a model, is what is short.
        group: `\u0000tenant:${tenant}`,
      });
    }
  }

  get size(): number {
    return this.#limits.size;
  }

  of(tenant: string): TenantLimit | undefined {
    return this.#limits.get(tenant);
  }

  reserve(limit: TenantLimit, amounts: Amounts, now: number): MaybePromise<ReserveResult> {
    return this.#store.reserve(limit.key, limit.limits, amounts, now);
  }

  /**
   * Gives back (`actual` empty) or corrects (`actual` used) what `hold` reserved. A hold without a request
   * (a fallback or hedge of a request already counted) settles its tokens only.
   */
  settle(hold: TenantHold, actual: Amounts, now: number): MaybePromise<void> {
    const used = hold.reserved.requests || !actual.requests ? actual : { ...actual, requests: 0 };
    return this.#store.settle(hold.limit.key, hold.limit.limits, hold.reserved, used, now);
  }

  inspect(limit: TenantLimit, now: number) {
    return this.#store.inspect(limit.key, limit.limits, now);
  }
}

/** The admission for a request its tenant's buckets cannot take now. */
export function tenantShort(limit: TenantLimit, result: ReserveResult & { ok: false }): Admission {
  const limitName = result.dimension === 'requests' ? 'rpm' : 'tpm';
  if (result.retryInMs === Number.POSITIVE_INFINITY)
    return {
      action: 'skip',
      reason: `needs more ${result.dimension} at once than tenant "${limit.tenant}"'s ${limitName} can ever hold`,
    };
  return {
    action: 'wait',
    reason: `tenant "${limit.tenant}" ${limitName} reached`,
    retryInMs: result.retryInMs,
    group: limit.group,
  };
}
