import type { BudgetWindow } from '../budgets/budget-options.js';
import type { Exclusion } from '../errors.js';
import type { FailureClass } from '../failure.js';
import type { Attempt, ChatRequest, ChatResult, Usage } from '../types.js';
import type { AlertEvent } from './alerts.js';
import type { Logger } from './options.js';

type Target = { provider: string; model: string };

/** Every event the router (and its resilience parts) emit, by name. */
export type RouterEvents = {
  'request-start': {
    requestId: string;
    /** How many models can serve it (0: NoEligibleModelError follows). */
    candidateCount: number;
    /**
     * Getters, built when first read (listing the candidates orders the whole ranking): read them
     * from the event, since a spread copy of it leaves them out (JSON.stringify keeps them).
     */
    readonly candidates: Target[];
    readonly exclusions: Exclusion[];
    stream: boolean;
    /** The request's `tenant`, when it gave one. */
    tenant?: string;
    /** The caller's request as given (telemetry reads the model asked for and, when opted in, the prompt). */
    request: ChatRequest;
  };
  /** `hedge`: started beside a slow attempt (see `hedge-start`). */
  'attempt-start': Target & { requestId: string; attempt: number; hedge?: boolean };
  /**
   * A hedged attempt starts on `to` because the attempt on `from` produced nothing in `afterMs`
   * (router option or request `hedge`). The first of the two to produce wins; the other ends as
   * `cancelled` in `attempts`.
   */
  'hedge-start': { requestId: string; from: Target; to: Target; afterMs: number };
  /**
   * Every attempt that got an answer or a failure, success included (`attempt.outcome`). An attempt
   * the caller aborted has none: its request ends with `request-finish`.
   */
  'attempt-finish': Target & { requestId: string; attempt: Attempt; usage?: Usage };
  /** A stream's first content event reached the caller, `ttftMs` after the request started. */
  'first-token': Target & { requestId: string; ttftMs: number };
  'attempt-failed': Target & {
    requestId: string;
    attempt: Attempt;
    failure: FailureClass;
    retryAfterMs?: number;
  };
  fallback: { requestId: string; from: Target; to: Target; failure: FailureClass };
  'rate-limited': Target & { requestId: string; failure: 'rate_limit' | 'quota'; retryAfterMs?: number };
  'request-finish': {
    requestId: string;
    ok: boolean;
    provider?: string;
    model?: string;
    attempts: Attempt[];
    durationMs: number;
    costUsd?: number;
    errorCode?: string;
    stream: boolean;
    /** The request's `tenant`, when it gave one. */
    tenant?: string;
    /** The result the caller got (usage, finish reason...), when the request succeeded. */
    result?: ChatResult;
  };
  'provider-disabled': { provider: string; failure: FailureClass; message: string };
  'model-unavailable': Target & { message: string };
  'cooldown-start': Target & { until: number; reason: FailureClass | 'budget' };
  'cooldown-end': Target;
  'circuit-open': Target;
  'circuit-half-open': Target;
  'circuit-close': Target;
  /**
   * A limit bucket (`dimension` requests/tokens...) or a spend budget (`dimension` 'usd', with `budget`,
   * `window`, `limitUsd` and `resetAt`) is running low: under a tenth left, once per window for a budget.
   */
  'budget-low': Target & {
    dimension: string;
    available: number;
    capacity: number;
    budget?: string;
    tenant?: string;
    window?: BudgetWindow;
    limitUsd?: number;
    resetAt?: number;
  };
  /** A spend budget refused a call (once per budget and window); the target is the model it refused. */
  'budget-exhausted': Target & {
    budget: string;
    tenant?: string;
    window: BudgetWindow;
    limitUsd: number;
    spentUsd: number;
    neededUsd: number;
    resetAt: number;
  };
  /** A request waits `waitMs` for capacity, with `waiting` others in line. */
  queued: { requestId: string; waitMs: number; waiting: number; tenant?: string };
  /**
   * A request was answered by the response cache (`coalesced`: by sharing an identical request's
   * call in flight); `savedUsd` is what that answer cost when a provider made it.
   */
  'cache-hit': Target & { requestId: string; stream: boolean; coalesced: boolean; savedUsd: number };
  /** A watched share (option `alerts`) went above its threshold. */
  alert: AlertEvent;
  /** It went back to or below the threshold. */
  'alert-cleared': AlertEvent;
};

export type RouterEventName = keyof RouterEvents;
export type Listener<K extends RouterEventName> = (event: RouterEvents[K]) => void;
export type Emit = <K extends RouterEventName>(name: K, event: RouterEvents[K]) => void;

/** A tiny typed emitter. A listener that throws is logged and never breaks the request. */
export class EventHub {
  readonly #listeners = new Map<RouterEventName, Set<Listener<never>>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  on<K extends RouterEventName>(name: K, listener: Listener<K>): () => void {
    if (typeof listener !== 'function')
      throw new TypeError(`router.on('${name}'): listener must be a function`);
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  has(name: RouterEventName): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
  }

  readonly emit: Emit = (name, event) => {
    const set = this.#listeners.get(name);
    if (!set || set.size === 0) return;
    for (const listener of set) {
      try {
        (listener as Listener<typeof name>)(event);
      } catch (error) {
        this.#logger.error(`a '${name}' listener threw; the request goes on`, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  };
}
