import type { BudgetRefusal, BudgetStats } from '../budgets/budget-book.js';
import type { FailureClass } from '../failure.js';
import type { MaybePromise } from '../store.js';
import type { ChatRequest, RateLimitSnapshot, Usage } from '../types.js';
import type { Emit } from './events.js';
import type { ResolvedOptions } from './options.js';
import type { Offer } from './rank.js';
import type { TenantTally } from './tenant-stats.js';

/** What the gate is asked about: one candidate for one request. */
export type GateRequest = {
  requestId: string;
  request: ChatRequest;
  estimatedInputTokens: number;
  expectedOutputTokens: number;
  /** Absolute deadline (clock ms), Infinity when the request has none. */
  deadline: number;
  /** Its tenant (`default` when the request names none) and that tenant's counters. */
  tenant: TenantTally;
  /**
   * Set by the gate once an attempt of the request went: it counted in its tenant's rpm, and later
   * attempts (a fallback, a hedge, whose own GateRequest is a copy made after) do not count again.
   */
  tenantCounted: boolean;
};

export type Admission =
  /** Send now. `ticket` comes back in `report` (a budget reservation, a breaker slot...). */
  | { action: 'go'; ticket?: unknown }
  /**
   * Not this candidate, not soon; `reason` goes into the error when nothing else works. `budget`: a
   * spend budget refused it (BudgetExceededError when no other candidate can go).
   */
  | { action: 'skip'; reason: string; budget?: BudgetRefusal }
  /**
   * Not now, but it should be able to go in `retryInMs`; the router may wait if nothing can go now.
   * `group` is the line to wait in when it is not this candidate's (the tenant's own limit).
   */
  | { action: 'wait'; reason: string; retryInMs: number; group?: string };

export type Outcome =
  | { type: 'success'; usage: Usage; rateLimit?: RateLimitSnapshot; durationMs: number }
  | {
      type: 'failure';
      failure: FailureClass;
      status?: number;
      retryAfterMs?: number;
      rateLimit?: RateLimitSnapshot;
      durationMs: number;
      /** A stream that broke after content: tokens it (probably) used, estimated when not reported. */
      usage?: Usage;
    }
  /**
   * The call was abandoned (caller abort or deadline) before an answer: give back what was reserved.
   * `usage`: the router aborted it (a hedged race's loser) and the provider probably billed this much;
   * budgets are settled to it. Never a breaker failure or a cooldown.
   */
  | { type: 'cancelled'; durationMs: number; usage?: Usage };

export type GateState = {
  circuit?: 'closed' | 'open' | 'half-open';
  cooldownUntil?: number;
  budget?: Record<string, { capacity: number; available: number }>;
};

/**
 * The seam between the attempt loop and resilience (budgets, cooldowns, breakers, the wait queue).
 * Per candidate the loop calls `admit` once, and `report` exactly once after every admitted call.
 * Methods may return plain values; the loop awaits only when they return promises, so an in-memory
 * gate keeps the hot path synchronous.
 */
export interface CandidateGate {
  admit(offer: Offer, request: GateRequest, now: number): MaybePromise<Admission>;
  report(
    offer: Offer,
    request: GateRequest,
    ticket: unknown,
    outcome: Outcome,
    now: number,
  ): MaybePromise<void>;
  /**
   * An admitted streaming call got its response headers (before any content); `headers.rateLimit` is
   * their rate-limit snapshot when they had one, parsed when first read (read it only when it is
   * needed: this runs before the stream's first token). `report` still follows.
   */
  opened?(offer: Offer, now: number, headers: { readonly rateLimit: RateLimitSnapshot | undefined }): void;
  /**
   * Called when no candidate can go now and the earliest may in `ms`; `key` is that candidate's.
   * Resolves when it is worth trying again (a queue may wake earlier); rejects with `signal.reason`
   * when the signal aborts. Without it the loop sleeps `ms` on the clock.
   */
  wait?(request: GateRequest, ms: number, signal: AbortSignal, key?: string): Promise<void>;
  /** Live state for `router.stats()`. */
  inspect?(offer: Offer, now: number): GateState;
  /** A tenant's own limits, for `router.stats().tenants`; undefined when it has none. */
  inspectTenant?(tenant: string, now: number): GateState['budget'];
  /** Spend budgets for `router.stats().budgets`, keyed by budget label. */
  budgets?(now: number): Record<string, BudgetStats> | undefined;
  close?(): MaybePromise<void>;
}

/** What a gate is built with: the router's resolved options and its event emitter. */
export type GateContext = { options: ResolvedOptions; emit: Emit };
export type GateFactory = (context: GateContext) => CandidateGate;

const GO: Admission = { action: 'go' };

/** Admits everything and remembers nothing: the router without resilience. */
export function createOpenGate(): CandidateGate {
  return {
    admit: () => GO,
    report: () => {},
  };
}
