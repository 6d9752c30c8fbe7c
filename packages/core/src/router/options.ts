import type { Budget, TenantOptions, TenantsOption } from '../budgets/budget-options.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { Clock, RandomSource } from '../clock.js';
import type { ProviderAdapter } from '../spec.js';
import type { RouterStore } from '../store.js';
import type { ChatRequest, HedgeOptions, ModelSpec } from '../types.js';
import type { AlertRule } from './alerts.js';

/** Where the router reports what it cannot throw (a listener that threw, a provider disabled). */
export type Logger = {
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
  debug?(message: string, details?: Record<string, unknown>): void;
};

/** One eligible model as ranking sees it. */
export type RankCandidate = {
  provider: string;
  model: string;
  spec: ModelSpec;
  /** Estimated cost of this request on this model, in USD. */
  estimatedCostUsd: number;
  /** Observed latency (EWMA of successful attempts), undefined until the model has answered once. */
  latencyMs: number | undefined;
};

export type RankContext = {
  request: ChatRequest;
  estimatedInputTokens: number;
  expectedOutputTokens: number;
};

/** A custom strategy: return the candidates in the order to try them (leaving one out excludes it). */
export type RankFn = (candidates: readonly RankCandidate[], context: RankContext) => readonly RankCandidate[];

export type StrategyName = 'cheapest' | 'most-capable' | 'fastest';
export const STRATEGIES: readonly StrategyName[] = ['cheapest', 'most-capable', 'fastest'];

export type RouterOptions = {
  providers: ProviderAdapter[];
  /** How to order eligible models. Default 'cheapest'. */
  strategy?: StrategyName | RankFn;
  /** Attempts across all providers per request. Default 6. */
  maxAttempts?: number;
  /** Backoff with full jitter, used only when re-trying a model because nothing else is eligible. */
  retry?: { baseDelayMs?: number; maxDelayMs?: number };
  /**
   * Used when a 429 carries no Retry-After or reset: `defaultMs` (1 s) doubling per 429 in a row up to
   * `maxMs` (60 s). `quotaMs` (1 h) is how long a quota failure keeps a model out.
   */
  cooldown?: { defaultMs?: number; maxMs?: number; quotaMs?: number };
  breaker?: { errorThresholdPercentage?: number; volumeThreshold?: number; resetTimeoutMs?: number };
  queue?: { maxWaiting?: number };
  /** Keep `reserveFraction` (default 0.05) of every budget for when no other candidate can go now. */
  budget?: { reserveFraction?: number };
  /**
   * Models with no configured limits learn them from answers. Until a model first answers, at most
   * `initialInFlight` (default 2) calls go to it; then its headers' limits pace it. While no answer has
   * stated its request limit (Groq's headers count per day, Gemini sends none), at most a window of
   * calls is in flight: it starts at `initialInFlight`, grows by about one per round trip up to
   * `maxInFlight` (default 8), and halves on a 429. Per process. `false`: no slow start, no window.
   */
  learning?: false | { initialInFlight?: number; maxInFlight?: number };
  store?: RouterStore;
  /** Spend budgets (USD per window), reserved before each call and settled to the real cost after. */
  budgets?: Budget[];
  /** Per-tenant weight, rpm/tpm and budgets, by the id requests give as `tenant`. */
  tenants?: TenantsOption;
  /**
   * Response cache: `memoryCache()` here, or `redisCache()` from @spillway/redis to share answers
   * between processes. Identical requests in flight share one provider call. Default: none.
   */
  cache?: ResponseCache;
  /** Default deadline for requests that give no `timeoutMs`. Default: none. */
  timeoutMs?: number;
  /**
   * chat(): the longest one attempt may take before the router gives up on it as `timeout` and falls
   * back (a provider that accepted the call and hangs). Default 120 000. Streams use
   * `timeToFirstTokenMs` and `stallTimeoutMs` instead.
   */
  attemptTimeoutMs?: number;
  /** Streams: fall back when no content arrives in this time. Default 30 000. */
  timeToFirstTokenMs?: number;
  /** Streams: end with StreamInterruptedError when no chunk arrives for this long. Default 30 000. */
  stallTimeoutMs?: number;
  /** Output tokens assumed for cost ranking when a request gives no `maxTokens`. Default 512. */
  expectedOutputTokens?: number;
  /**
   * Hedged attempts (DESIGN §12): when an attempt has produced nothing after `afterMs`, start a
   * second one on the next candidate that can go now; the first to produce wins, the other is
   * aborted. Requests override it with their own `hedge` (or turn it off with `false`). Default: off.
   */
  hedge?: HedgeOptions;
  /**
   * Emit `alert` when a share in a sliding window goes above a threshold, and `alert-cleared` when it
   * comes back, e.g. `{ name: '429s', when: 'rate_limited_share', above: 0.005, windowMs: 300_000 }`.
   */
  alerts?: AlertRule[];
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
};

export type ResolvedOptions = {
  providers: ProviderAdapter[];
  strategy: StrategyName | RankFn;
  maxAttempts: number;
  retry: { baseDelayMs: number; maxDelayMs: number };
  timeoutMs: number | undefined;
  attemptTimeoutMs: number;
  timeToFirstTokenMs: number;
  stallTimeoutMs: number;
  expectedOutputTokens: number;
  hedge: HedgeOptions | undefined;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  alerts: AlertRule[];
  /** Validated copies of `budgets` and `tenants` (empty when not given). */
  budgets: Budget[];
  tenants: Map<string, TenantOptions>;
  raw: RouterOptions;
};

export const DEFAULTS = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  attemptTimeoutMs: 120_000,
  timeToFirstTokenMs: 30_000,
  stallTimeoutMs: 30_000,
  expectedOutputTokens: 512,
} as const;

const noop = () => {};
export const silentLogger: Logger = { warn: noop, error: noop, debug: noop };
