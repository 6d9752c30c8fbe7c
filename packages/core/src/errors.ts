import type { FailureClass } from './failure.js';
import type { Attempt, RateLimitSnapshot, ToolCall } from './types.js';

export type RouterErrorCode =
  | 'invalid_request'
  | 'config_error'
  | 'no_eligible_model'
  | 'all_providers_failed'
  | 'deadline_exceeded'
  | 'queue_full'
  | 'stream_interrupted'
  | 'budget_exceeded'
  | 'provider_error'
  | 'cache_miss';

// A registry-wide symbol, so errors thrown by one copy of this package are recognised by another.
const marker = Symbol.for('spillway.error');

type ErrorOptions = { cause?: unknown };

function isRouterErrorLike(value: unknown): value is RouterError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/** Base of every error the router throws. Branch on the class (`isInstance`) or on `code`. */
export abstract class RouterError extends Error {
  abstract readonly code: RouterErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    Object.defineProperty(this, marker, { value: true });
  }

  override get name(): string {
    return this.constructor.name;
  }

  static isInstance(value: unknown): value is RouterError {
    return isRouterErrorLike(value);
  }
}

function hasCode(value: unknown, code: RouterErrorCode): boolean {
  return isRouterErrorLike(value) && value.code === code;
}

/** The request is malformed. Thrown before anything is sent. `field` names the offending field. */
export class InvalidRequestError extends RouterError {
  readonly code = 'invalid_request' as const;
  readonly field: string | undefined;
  /** Set when a provider rejected the request (HTTP 400/422) rather than our validation. */
  readonly attempts: Attempt[];

  constructor(message: string, options?: ErrorOptions & { field?: string; attempts?: Attempt[] }) {
    super(message, options);
    this.field = options?.field;
    this.attempts = options?.attempts ?? [];
  }

  static override isInstance(value: unknown): value is InvalidRequestError {
    return hasCode(value, 'invalid_request');
  }
}

/** Router options are invalid. Thrown by `createRouter`. */
export class ConfigError extends RouterError {
  readonly code = 'config_error' as const;
  readonly field: string | undefined;

  constructor(message: string, options?: ErrorOptions & { field?: string }) {
    super(message, options);
    this.field = options?.field;
  }

  static override isInstance(value: unknown): value is ConfigError {
    return hasCode(value, 'config_error');
  }
}

export type Exclusion = { provider: string; model: string; reason: string };

/** No offered model can serve the request; `exclusions` says why each was left out. */
export class NoEligibleModelError extends RouterError {
  readonly code = 'no_eligible_model' as const;
  readonly exclusions: Exclusion[];

  constructor(message: string, options: ErrorOptions & { exclusions: Exclusion[] }) {
    super(message, options);
    this.exclusions = options.exclusions;
  }

  static override isInstance(value: unknown): value is NoEligibleModelError {
    return hasCode(value, 'no_eligible_model');
  }
}

/** Every candidate was tried (or attempts ran out) and none succeeded. */
export class AllProvidersFailedError extends RouterError {
  readonly code = 'all_providers_failed' as const;
  readonly attempts: Attempt[];
  /** When capacity is expected back, if known. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: ErrorOptions & { attempts: Attempt[]; retryAfterMs?: number }) {
    super(message, options);
    this.attempts = options.attempts;
    this.retryAfterMs = options.retryAfterMs;
  }

  static override isInstance(value: unknown): value is AllProvidersFailedError {
    return hasCode(value, 'all_providers_failed');
  }
}

/** The request's `timeoutMs` passed, across attempts and waits. */
export class DeadlineExceededError extends RouterError {
  readonly code = 'deadline_exceeded' as const;
  readonly attempts: Attempt[];
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: ErrorOptions & { attempts: Attempt[]; retryAfterMs?: number }) {
    super(message, options);
    this.attempts = options.attempts;
    this.retryAfterMs = options.retryAfterMs;
  }

  static override isInstance(value: unknown): value is DeadlineExceededError {
    return hasCode(value, 'deadline_exceeded');
  }
}

/** Too many requests are already waiting for capacity (`queue.maxWaiting`). */
export class QueueFullError extends RouterError {
  readonly code = 'queue_full' as const;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }

  static override isInstance(value: unknown): value is QueueFullError {
    return hasCode(value, 'queue_full');
  }
}

/**
 * A spend budget (option `budgets`, or a tenant's) has no room for this request on any model that
 * could serve it. Nothing was sent. `resetAt` is when the budget's window starts over.
 */
export class BudgetExceededError extends RouterError {
  readonly code = 'budget_exceeded' as const;
  /** The budget's name (a tenant's budget: as named in that tenant's list). */
  readonly budget: string;
  /** The tenant whose budget it is, for a budget under `tenants`. */
  readonly tenant: string | undefined;
  readonly window: string | number;
  readonly limitUsd: number;
  /** Epoch milliseconds when the window starts over. */
  readonly resetAt: number;
  readonly retryAfterMs: number;
  readonly attempts: Attempt[];

  constructor(
    message: string,
    options: ErrorOptions & {
      budget: string;
      tenant?: string;
      window: string | number;
      limitUsd: number;
      resetAt: number;
      retryAfterMs: number;
      attempts?: Attempt[];
    },
  ) {
    super(message, options);
    this.budget = options.budget;
    this.tenant = options.tenant;
    this.window = options.window;
    this.limitUsd = options.limitUsd;
    this.resetAt = options.resetAt;
    this.retryAfterMs = options.retryAfterMs;
    this.attempts = options.attempts ?? [];
  }

  static override isInstance(value: unknown): value is BudgetExceededError {
    return hasCode(value, 'budget_exceeded');
  }
}

/** A stream broke after content reached the caller. Nothing was appended or restarted. */
export class StreamInterruptedError extends RouterError {
  readonly code = 'stream_interrupted' as const;
  readonly partialText: string;
  readonly partialToolCalls: ToolCall[];
  readonly attempts: Attempt[];
  readonly failure: FailureClass;

  constructor(
    message: string,
    options: ErrorOptions & {
      partialText: string;
      partialToolCalls?: ToolCall[];
      attempts: Attempt[];
      failure: FailureClass;
    },
  ) {
    super(message, options);
    this.partialText = options.partialText;
    this.partialToolCalls = options.partialToolCalls ?? [];
    this.attempts = options.attempts;
    this.failure = options.failure;
  }

  static override isInstance(value: unknown): value is StreamInterruptedError {
    return hasCode(value, 'stream_interrupted');
  }
}

/** `cache: { mode: 'only-if-cached' }` and the cache holds no answer for the request. Nothing was sent. */
export class CacheMissError extends RouterError {
  readonly code = 'cache_miss' as const;

  static override isInstance(value: unknown): value is CacheMissError {
    return hasCode(value, 'cache_miss');
  }
}

/**
 * What an adapter throws when a provider call fails, already classified. The router catches these,
 * records an attempt and acts on `failure`; callers see them only as `cause` of the errors above.
 */
export class ProviderError extends RouterError {
  readonly code = 'provider_error' as const;
  readonly failure: FailureClass;
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rateLimit: RateLimitSnapshot | undefined;
  readonly requestId: string | undefined;

  constructor(
    message: string,
    options: ErrorOptions & {
      failure: FailureClass;
      provider: string;
      model: string;
      status?: number;
      retryAfterMs?: number;
      rateLimit?: RateLimitSnapshot;
      requestId?: string;
    },
  ) {
    super(message, options);
    this.failure = options.failure;
    this.provider = options.provider;
    this.model = options.model;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.rateLimit = options.rateLimit;
    this.requestId = options.requestId;
  }

  static override isInstance(value: unknown): value is ProviderError {
    return hasCode(value, 'provider_error');
  }
}

/** The error an aborted request rejects with when its signal carries no reason of its own. */
export function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}
