import type { BudgetStats } from '../budgets/budget-book.js';
import type { CacheStats } from '../cache/response-cache.js';
import { type FailureClass, failurePolicy } from '../failure.js';
import type { Usage } from '../types.js';
import type { GateState } from './candidate-gate.js';
import type { TenantStats } from './tenant-stats.js';

const RING_SIZE = 64;
const EWMA_WEIGHT = 0.3;

export type Counters = {
  requests: number;
  successes: number;
  failures: Partial<Record<FailureClass, number>>;
  rateLimited: number;
  inputTokens: number;
  /** Of inputTokens, those read from and written to the providers' prompt caches. */
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Attempts started here as a hedge beside a slow attempt (router option or request `hedge`). */
  hedges: number;
  /**
   * Attempts here the router aborted because the other attempt of a hedged race won: neither a
   * success nor a failure. Their estimated tokens and cost are in the totals above (decision 2120).
   */
  cancelled: number;
  latency: { p50Ms?: number; avgMs?: number; ewmaMs?: number };
};

export type ModelStats = Counters & GateState & { provider: string; model: string; available: boolean };

export type ProviderStats = Counters & {
  provider: string;
  disabled: boolean;
  models: Record<string, ModelStats>;
};

export type RouterStats = {
  providers: Record<string, ProviderStats>;
  /** Per tenant (`default` for requests that name none), from its first request. */
  tenants: Record<string, TenantStats>;
  /** With a response cache (router option `cache`). */
  cache?: CacheStats;
  /** Spend budgets by label (`daily`, `per-tenant:acme`, `tenant:acme/monthly`), once a request met them. */
  budgets?: Record<string, BudgetStats>;
};

/** Per-model counters, updated in O(1) per attempt; percentiles are computed only when read. */
export class ModelCounters {
  requests = 0;
  successes = 0;
  failures: Partial<Record<FailureClass, number>> = {};
  rateLimited = 0;
  inputTokens = 0;
  cachedInputTokens = 0;
  cacheWriteInputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  hedges = 0;
  cancelled = 0;
  ewmaMs: number | undefined;
  #ring: number[] = [];
  #next = 0;
  #latencySum = 0;
  #latencyCount = 0;

  recordSuccess(durationMs: number, usage: Usage, costUsd: number): void {
    this.requests++;
    this.successes++;
    this.inputTokens += usage.inputTokens;
    this.cachedInputTokens += usage.cachedInputTokens ?? 0;
    this.cacheWriteInputTokens += usage.cacheWriteInputTokens ?? 0;
    this.outputTokens += usage.outputTokens;
    this.costUsd += costUsd;
    this.ewmaMs =
      this.ewmaMs === undefined ? durationMs : this.ewmaMs + EWMA_WEIGHT * (durationMs - this.ewmaMs);
    this.#latencySum += durationMs;
    this.#latencyCount++;
    if (this.#ring.length < RING_SIZE) this.#ring.push(durationMs);
    else this.#ring[this.#next] = durationMs;
    this.#next = (this.#next + 1) % RING_SIZE;
  }

  /** An attempt the router aborted (a hedged race's loser): what it was probably billed. */
  recordCancelled(usage: Usage, costUsd: number): void {
    this.cancelled++;
    this.inputTokens += usage.inputTokens;
    this.outputTokens += usage.outputTokens;
    this.costUsd += costUsd;
  }

  recordFailure(failure: FailureClass): void {
    this.requests++;
    this.failures[failure] = (this.failures[failure] ?? 0) + 1;
    if (failurePolicy(failure).rateLimited) this.rateLimited++;
  }

  snapshot(): Counters {
    const sorted = [...this.#ring].sort((a, b) => a - b);
    return {
      requests: this.requests,
      successes: this.successes,
      failures: { ...this.failures },
      rateLimited: this.rateLimited,
      inputTokens: this.inputTokens,
      cachedInputTokens: this.cachedInputTokens,
      cacheWriteInputTokens: this.cacheWriteInputTokens,
      outputTokens: this.outputTokens,
      costUsd: this.costUsd,
      hedges: this.hedges,
      cancelled: this.cancelled,
      latency: {
        p50Ms: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : undefined,
        avgMs: this.#latencyCount ? this.#latencySum / this.#latencyCount : undefined,
        ewmaMs: this.ewmaMs,
      },
    };
  }
}

/** Sums model counters into a provider's; latency is the request-weighted view of its models. */
export function sumCounters(list: Counters[]): Counters {
  const total: Counters = {
    requests: 0,
    successes: 0,
    failures: {},
    rateLimited: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    hedges: 0,
    cancelled: 0,
    latency: {},
  };
  let weighted = 0;
  for (const item of list) {
    total.requests += item.requests;
    total.successes += item.successes;
    total.rateLimited += item.rateLimited;
    total.inputTokens += item.inputTokens;
    total.cachedInputTokens += item.cachedInputTokens;
    total.cacheWriteInputTokens += item.cacheWriteInputTokens;
    total.outputTokens += item.outputTokens;
    total.costUsd += item.costUsd;
    total.hedges += item.hedges;
    total.cancelled += item.cancelled;
    for (const [name, count] of Object.entries(item.failures))
      total.failures[name as FailureClass] = (total.failures[name as FailureClass] ?? 0) + (count ?? 0);
    if (item.latency.avgMs !== undefined) {
      weighted += item.latency.avgMs * item.successes;
    }
  }
  if (total.successes > 0 && weighted > 0) total.latency.avgMs = weighted / total.successes;
  return total;
}
