// @spillway/core: the router and what its callers use. Adapter helpers are at @spillway/core/adapter,
// test doubles at @spillway/core/testing.

export type { ApiReply, EventFrames } from './api-reply.js';
export type { BudgetRefusal, BudgetStats } from './budgets/budget-book.js';
export { BUDGET_LOW_FRACTION } from './budgets/budget-book.js';
export type {
  Budget,
  BudgetScope,
  BudgetWindow,
  TenantOptions,
  TenantsOption,
} from './budgets/budget-options.js';
export { BUDGET_SCOPES, BUDGET_WINDOWS, MAX_TENANT_LENGTH } from './budgets/budget-options.js';
export { SpendLedger } from './budgets/spend-ledger.js';
export { cacheKey, canonicalRequest } from './cache/cache-key.js';
export type { MemoryCache, MemoryCacheOptions } from './cache/memory-cache.js';
export { memoryCache } from './cache/memory-cache.js';
export type {
  CacheControl,
  CacheMode,
  CacheStats,
  CacheStatus,
  ResponseCache,
} from './cache/response-cache.js';
export { CACHE_MODES } from './cache/response-cache.js';
export type { CatalogEntry } from './catalog.js';
export { catalog, catalogModels, findCatalogModel, registerCatalogModels, resolveModels } from './catalog.js';
export type { Clock, RandomSource, TimerHandle } from './clock.js';
export { seededRandom, systemClock, systemRandom } from './clock.js';
export type { TenantOption, TenantSource } from './drop-in-tenant.js';
export type { Exclusion, RouterErrorCode } from './errors.js';
export {
  AllProvidersFailedError,
  abortReason,
  BudgetExceededError,
  CacheMissError,
  ConfigError,
  DeadlineExceededError,
  InvalidRequestError,
  NoEligibleModelError,
  ProviderError,
  QueueFullError,
  RouterError,
  StreamInterruptedError,
} from './errors.js';
export type { FailureClass, FailurePolicy } from './failure.js';
export { FAILURE_CLASSES, FAILURE_TABLE, failurePolicy, isBreakerFailure } from './failure.js';
export type { Prices } from './pricing.js';
export { costUsd, usageCostUsd } from './pricing.js';
export { redact, registerSecret } from './redact.js';
export type { MemoryStore } from './resilience/memory-store.js';
export { memoryStore } from './resilience/memory-store.js';
export type { AlertCondition, AlertEvent, AlertRule } from './router/alerts.js';
export { ALERT_CONDITIONS } from './router/alerts.js';
export type { AttemptScope, AttemptWrapper } from './router/attempt-wrappers.js';
export type { Emit, Listener, RouterEventName, RouterEvents } from './router/events.js';
export type {
  Logger,
  RankCandidate,
  RankContext,
  RankFn,
  ResolvedOptions,
  RouterOptions,
  StrategyName,
} from './router/options.js';
export type { Offer } from './router/rank.js';
export type { Router } from './router/router.js';
export { createRouter } from './router/router.js';
export type { Counters, ModelStats, ProviderStats, RouterStats } from './router/stats.js';
export type { RouterStream, RouterStreamEvent } from './router/stream-types.js';
export type { TenantStats } from './router/tenant-stats.js';
export { DEFAULT_TENANT } from './router/tenant-stats.js';
export type { ModelAlias, RoutingInfo, RoutingInfoSink } from './routing-info.js';
export { routingInfo } from './routing-info.js';
export type {
  AdapterCall,
  AdapterResult,
  AdapterStream,
  AdapterStreamEvent,
  ProviderAdapter,
} from './spec.js';
export { SPECIFICATION_VERSION } from './spec.js';
export type {
  Amounts,
  BucketLimit,
  BudgetLimits,
  Dimension,
  MaybePromise,
  Observation,
  ObservedLimit,
  ReserveResult,
  RouterStore,
  SpendHold,
  SpendSettlement,
} from './store.js';
export { DIMENSIONS } from './store.js';
export { estimatePromptTokens } from './tokens/estimate-tokens.js';
export type {
  Attempt,
  AttemptOutcome,
  Capabilities,
  ChatRequest,
  ChatResult,
  ContentPart,
  FinishReason,
  HedgeOptions,
  ImagePart,
  JsonSchema,
  Limits,
  LongContextPrices,
  Message,
  ModelRef,
  ModelSpec,
  RateLimitSnapshot,
  RateLimitWindow,
  Requirements,
  ResponseFormat,
  Role,
  TextPart,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from './types.js';
export { FINISH_REASONS, ROLES } from './types.js';
