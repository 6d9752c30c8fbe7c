import type { Offer } from '../router/rank.js';
import type { SpendHold } from '../store.js';
import type { Budget, BudgetScope, BudgetWindow, TenantOptions } from './budget-options.js';
import { type WindowSpan, windowAt } from './budget-window.js';

/** One configured budget, with the window it is in now. */
type Compiled = {
  name: string;
  /** The tenant whose `budgets` list it is in; it counts only that tenant's requests. */
  owner: string | undefined;
  scope: BudgetScope;
  match: string | undefined;
  window: BudgetWindow;
  limitUsd: number;
  span: WindowSpan;
};

/** One instance of a budget (a tenant's, a provider's or a model's share of a per-x budget, or the one). */
export type BudgetInstance = {
  budget: Compiled;
  /** The tenant, provider or model (`provider/model`) this instance counts; undefined for a single one. */
  instance: string | undefined;
  /** The store key: unique per budget and instance, safe for any tenant id. */
  key: string;
  /** How errors, events and stats name it: `name`, `name:instance`, `tenant:id/name[:instance]`. */
  label: string;
};

const NONE: readonly BudgetInstance[] = [];
// Per-tenant instances are cached by tenant id; ids come from requests, so the cache is bounded.
const MAX_CACHED_TENANTS = 10_000;

function compile(budget: Budget, owner: string | undefined, now: number): Compiled {
  return {
    name: budget.name,
    owner,
    scope: budget.scope ?? 'global',
    match: budget.match,
    window: budget.window,
    limitUsd: budget.limitUsd,
    span: windowAt(budget.window, now),
  };
}

function instanceOf(budget: Compiled, offer: Offer, tenant: string | undefined): BudgetInstance | undefined {
  let instance: string | undefined;
  switch (budget.scope) {
    case 'global':
      break;
    case 'tenant':
      if (tenant === undefined || (budget.match !== undefined && budget.match !== tenant)) return undefined;
      if (budget.match === undefined) instance = tenant;
      break;
    case 'provider':
      if (budget.match !== undefined) {
        if (budget.match !== offer.provider) return undefined;
      } else instance = offer.provider;
      break;
    case 'model':
      if (budget.match !== undefined) {
        if (budget.match !== offer.model) return undefined;
      } else instance = offer.key;
  }
  const owner = budget.owner === undefined ? '' : `tenant:${budget.owner}/`;
  const ownerKey = budget.owner === undefined ? '' : `t=${encodeURIComponent(budget.owner)}|`;
  return {
    budget,
    instance,
    key: `${ownerKey}${encodeURIComponent(budget.name)}${instance === undefined ? '' : `|${encodeURIComponent(instance)}`}`,
    label: `${owner}${budget.name}${instance === undefined ? '' : `:${instance}`}`,
  };
}

/**
 * The spend budgets of one router: which apply to a request on a model, and the holds to reserve.
 * Budgets that do not depend on the tenant are resolved once per model; tenant ones once per tenant.
 */
export class SpendBudgets {
  readonly #shared: Compiled[];
  readonly #perTenant: Compiled[];
  readonly #owned = new Map<string, Compiled[]>();
  readonly #byOffer = new Map<string, readonly BudgetInstance[]>();
  readonly #byTenant = new Map<string, Map<string, readonly BudgetInstance[]>>();

  constructor(budgets: readonly Budget[], tenants: ReadonlyMap<string, TenantOptions>, now: number) {
    const top = budgets.map((budget) => compile(budget, undefined, now));
    this.#shared = top.filter((budget) => budget.scope !== 'tenant');
    this.#perTenant = top.filter((budget) => budget.scope === 'tenant');
    for (const [id, tenant] of tenants)
      if (tenant.budgets?.length)
        this.#owned.set(
          id,
          tenant.budgets.map((budget) => compile(budget, id, now)),
        );
  }

  get empty(): boolean {
    return this.#shared.length === 0 && this.#perTenant.length === 0 && this.#owned.size === 0;
  }

  /** Every budget instance that counts a request of `tenant` served by `offer`. */
  instances(offer: Offer, tenant: string | undefined): readonly BudgetInstance[] {
    let shared = this.#byOffer.get(offer.key);
    if (!shared) {
      shared = this.#resolve(this.#shared, offer, undefined);
      this.#byOffer.set(offer.key, shared);
    }
    if (tenant === undefined || (this.#perTenant.length === 0 && !this.#owned.has(tenant))) return shared;
    let cache = this.#byTenant.get(tenant);
    if (!cache) {
      if (this.#byTenant.size >= MAX_CACHED_TENANTS) this.#byTenant.clear();
      cache = new Map();
      this.#byTenant.set(tenant, cache);
    }
    let all = cache.get(offer.key);
    if (!all) {
      const own = this.#owned.get(tenant) ?? [];
      all = [...shared, ...this.#resolve([...this.#perTenant, ...own], offer, tenant)];
      cache.set(offer.key, all);
    }
    return all;
  }

  /** The holds for `amountUsd` on each instance, in its current window. */
  holds(instances: readonly BudgetInstance[], amountUsd: number, now: number): SpendHold[] {
    const holds: SpendHold[] = [];
    for (const { budget, key } of instances) {
      const span = this.span(budget, now);
      holds.push({
        key,
        limitUsd: budget.limitUsd,
        windowStart: span.start,
        windowEnd: span.end,
        amountUsd,
      });
    }
    return holds;
  }

  /** The budget's current window (recomputed only when `now` has left the cached one). */
  span(budget: Compiled, now: number): WindowSpan {
    if (now >= budget.span.end || now < budget.span.start) budget.span = windowAt(budget.window, now);
    return budget.span;
  }

  #resolve(
    budgets: readonly Compiled[],
    offer: Offer,
    tenant: string | undefined,
  ): readonly BudgetInstance[] {
    const found: BudgetInstance[] = [];
    for (const budget of budgets) {
      const instance = instanceOf(budget, offer, tenant);
      if (instance) found.push(instance);
    }
    return found.length ? found : NONE;
  }
}
