import { type Clock, type RouterStats, systemClock } from '@spillway/core';
import type { GatewayRouter } from './gateway-options.js';

/** One model's live state, as `GET /status` reports it. */
export type ModelStatus = {
  provider: string;
  model: string;
  available: boolean;
  circuit: 'closed' | 'open' | 'half-open';
  /** Milliseconds until the model's cooldown ends (0: not cooling down). */
  cooldownMs: number;
  /** What is left of each limit right now, e.g. `{ requests: { available: 41, capacity: 60 } }`. */
  limits: Record<string, { available: number; capacity: number }>;
  requests: number;
  successes: number;
  /** 429s the provider sent that the router absorbed (retried elsewhere or later). */
  rateLimited: number;
  failures: Record<string, number>;
  p50Ms: number | null;
  costUsd: number;
};

/** One spend budget's window, as `GET /status` reports it (from `router.stats().budgets`). */
export type BudgetStatus = {
  /** The router's label: `daily`, `per-tenant:acme`, `tenant:acme/monthly`. */
  label: string;
  name: string;
  scope: 'global' | 'tenant' | 'provider' | 'model';
  /** The tenant, provider or model a per-x budget counts here. */
  instance?: string;
  /** The tenant whose own budget it is. */
  tenant?: string;
  /** `minute`, `hour`, `day`, `month`, or a length in ms. */
  window: string | number;
  limitUsd: number;
  /** Settled spend plus what calls in flight hold, in this window. */
  spentUsd: number;
  remainingUsd: number;
  /** spentUsd / limitUsd, from 0 (can pass 1 by what calls in flight settle above their estimate). */
  usedShare: number;
  /** Seconds until the window starts over. */
  resetsInS: number;
};

/** The response cache's counters, as `GET /status` reports them (from `router.stats().cache`). */
export type CacheStatus = {
  hits: number;
  misses: number;
  /** Requests answered by sharing an identical request's call in flight. */
  coalesced: number;
  /** (hits + coalesced) / every request that looked in the cache; null before the first. */
  hitRate: number | null;
  /** What the answers reused by hits and coalesced requests cost when they were bought. */
  savedUsd: number;
};

/** What `GET /status` answers (and the dashboard shows). */
export type GatewayStatus = {
  time: string;
  uptimeS: number;
  draining: boolean;
  /** HTTP requests being served (streams included). */
  inFlight: number;
  /** Router requests waiting for a limit to free up. */
  queueDepth: number;
  totals: { requests: number; successes: number; rateLimited: number; fallbacks: number; costUsd: number };
  models: ModelStatus[];
  /** Spend budgets the router has met so far, each with its current window's spend. */
  budgets: BudgetStatus[];
  /** The response cache; null when the router has none. */
  cache: CacheStatus | null;
  /**
   * Every other section of `router.stats()` as it is (tenants, …), so a router with more features
   * shows them without a gateway change.
   */
  sections: Record<string, unknown>;
};

/** Follows the router's events for what `stats()` does not hold: fallbacks and the queue. */
export class StatusTracker {
  readonly #router: GatewayRouter;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #started = Date.now();
  readonly #queued = new Set<string>();
  #fallbacks = 0;
  readonly #dispose: Array<() => void>;

  constructor(router: GatewayRouter, clock: Pick<Clock, 'now'> = systemClock) {
    this.#router = router;
    this.#clock = clock;
    this.#dispose = [
      router.on('fallback', () => {
        this.#fallbacks++;
      }),
      router.on('queued', (event) => {
        this.#queued.add(event.requestId);
      }),
      router.on('attempt-start', (event) => {
        this.#queued.delete(event.requestId);
      }),
      router.on('request-finish', (event) => {
        this.#queued.delete(event.requestId);
      }),
    ];
  }

  snapshot(live: { draining: boolean; inFlight: number }): GatewayStatus {
    const stats = this.#router.stats() as RouterStats & Record<string, unknown>;
    const now = Date.now();
    const routerNow = this.#clock.now();
    const models: ModelStatus[] = [];
    const totals = { requests: 0, successes: 0, rateLimited: 0, fallbacks: this.#fallbacks, costUsd: 0 };
    for (const provider of Object.values(stats.providers)) {
      totals.requests += provider.requests;
      totals.successes += provider.successes;
      totals.rateLimited += provider.rateLimited;
      totals.costUsd += provider.costUsd;
      for (const model of Object.values(provider.models)) {
        const failures: Record<string, number> = {};
        for (const [name, count] of Object.entries(model.failures)) if (count) failures[name] = count;
        models.push({
          provider: model.provider,
          model: model.model,
          available: model.available && !provider.disabled,
          circuit: model.circuit ?? 'closed',
          cooldownMs: Math.max(0, Math.round((model.cooldownUntil ?? 0) - routerNow)),
          limits: model.budget ?? {},
          requests: model.requests,
          successes: model.successes,
          rateLimited: model.rateLimited,
          failures,
          p50Ms: model.latency.p50Ms ?? null,
          costUsd: model.costUsd,
        });
      }
    }
    const sections: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(stats))
      if (name !== 'providers' && name !== 'budgets' && name !== 'cache') sections[name] = value;
    return {
      time: new Date(now).toISOString(),
      uptimeS: Math.round((now - this.#started) / 1000),
      draining: live.draining,
      inFlight: live.inFlight,
      queueDepth: this.#queued.size,
      totals,
      models,
      budgets: budgetStatus(stats.budgets, routerNow),
      cache: cacheStatus(stats.cache),
      sections,
    };
  }

  close(): void {
    for (const dispose of this.#dispose) dispose();
  }
}

function budgetStatus(budgets: RouterStats['budgets'], now: number): BudgetStatus[] {
  return Object.entries(budgets ?? {}).map(([label, budget]) => ({
    label,
    name: budget.name,
    scope: budget.scope,
    ...(budget.instance !== undefined ? { instance: budget.instance } : {}),
    ...(budget.tenant !== undefined ? { tenant: budget.tenant } : {}),
    window: budget.window,
    limitUsd: budget.limitUsd,
    spentUsd: budget.spentUsd,
    remainingUsd: budget.remainingUsd,
    usedShare: budget.limitUsd > 0 ? budget.spentUsd / budget.limitUsd : 0,
    resetsInS: Math.max(0, Math.round((budget.resetAt - now) / 1000)),
  }));
}

function cacheStatus(cache: RouterStats['cache']): CacheStatus | null {
  if (!cache) return null;
  const looked = cache.hits + cache.coalesced + cache.misses;
  return {
    hits: cache.hits,
    misses: cache.misses,
    coalesced: cache.coalesced,
    hitRate: looked > 0 ? (cache.hits + cache.coalesced) / looked : null,
    savedUsd: cache.savedUsd,
  };
}
