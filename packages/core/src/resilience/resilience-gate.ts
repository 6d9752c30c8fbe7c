import { ConfigError } from '../errors.js';
import { failurePolicy } from '../failure.js';
import type {
  Admission,
  CandidateGate,
  GateContext,
  GateRequest,
  GateState,
  Outcome,
} from '../router/candidate-gate.js';
import type { Emit } from '../router/events.js';
import type { Offer } from '../router/rank.js';
import type { Amounts, MaybePromise, ReserveResult } from '../store.js';
import {
  budgetLimits,
  chargedFor,
  hasBudget,
  observationOf,
  refillOf,
  reservation,
  usedBy,
} from './budget-plan.js';
import { cooldownMs } from './cooldown-policy.js';
import { ModelGuard, type Permit } from './model-guard.js';
import { type ResilienceOptions, resilienceOptions } from './resilience-options.js';
import { type TenantHold, TenantLimits, tenantShort } from './tenant-limits.js';
import { WaitQueue } from './wait-queue.js';

type Ticket = { reserved: Amounts; permit: Permit; tenant?: TenantHold };

const NONE: Amounts = {};

/** Adds `step` to `list` when it is a promise (a shared store); a synchronous step allocates nothing. */
function collect(
  list: Array<Promise<unknown>> | undefined,
  step: MaybePromise<unknown>,
): Array<Promise<unknown>> | undefined {
  if (!isPromise(step)) return list;
  if (!list) return [step];
  list.push(step);
  return list;
}

const isPromise = <T>(value: MaybePromise<T>): value is Promise<T> =>
  typeof (value as Promise<T>)?.then === 'function';
const then = <T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> =>
  isPromise(value) ? value.then(next) : next(value);

/**
 * Resilience behind the router's candidate gate: per provider+model budgets (token buckets in the
 * store), cooldowns, a circuit breaker, a concurrency cap, and the queue requests wait in when no
 * candidate can go now. With the memory store every step is synchronous: no promise, no timer.
 */
export class ResilienceGate implements CandidateGate {
  readonly options: ResilienceOptions;
  readonly #emit: Emit;
  readonly #context: GateContext;
  readonly #guards = new Map<string, ModelGuard>();
  readonly #queue: WaitQueue;
  /** Requests that found nothing but budget reserves: on their next pass they may use them. */
  readonly #mayUseReserve = new WeakSet<GateRequest>();
  readonly #places = new WeakMap<GateRequest, number>();
  /** Tenants with rpm/tpm of their own; undefined when none has (then they cost nothing). */
  readonly #tenantLimits: TenantLimits | undefined;
  /** Requests their tenant's own limit already held back (counted once each). */
  readonly #heldBack = new WeakSet<GateRequest>();

  constructor(context: GateContext) {
    this.#context = context;
    this.#emit = context.emit;
    this.options = resilienceOptions(context.options.raw);
    const tenants = context.options.tenants;
    const limits = new TenantLimits(this.options.store, tenants);
    this.#tenantLimits = limits.size > 0 ? limits : undefined;
    this.#queue = new WaitQueue(
      context.options.clock,
      this.options.maxWaiting,
      (tenant) => tenants.get(tenant)?.weight ?? 1,
    );
  }

  guard(offer: Offer): ModelGuard {
    let guard = this.#guards.get(offer.key);
    if (!guard) {
      const limits = { ...offer.adapter.limits, ...offer.spec.limits };
      const budget = budgetLimits(limits);
      guard = new ModelGuard(offer, budget, limits.maxConcurrent, hasBudget(budget), this.options, {
        clock: this.#context.options.clock,
        emit: this.#emit,
      });
      this.#guards.set(offer.key, guard);
    }
    return guard;
  }

  admit(offer: Offer, request: GateRequest, now: number): MaybePromise<Admission> {
    const guard = this.guard(offer);
    return then(this.options.store.cooldownUntil(offer.key, now), (until) => {
      const refusal = guard.check(until, now);
      if (refusal) return refusal;
      const amounts = reservation(request.estimatedInputTokens, request.expectedOutputTokens);
      const limit = this.#tenantLimits?.of(request.tenant.id);
      if (!limit) return this.#reserve(guard, request, amounts, now);
      // The tenant's own ceiling first: when it is what is short, the model's budget is not touched.
      const tenants = this.#tenantLimits as TenantLimits;
      return then(tenants.reserve(limit, amounts, now), (held) => {
        if (!held.ok) {
          if (!this.#heldBack.has(request)) {
            this.#heldBack.add(request);
            request.tenant.rateLimited++;
          }
          return tenantShort(limit, held);
        }
        const hold: TenantHold = { limit, reserved: amounts };
        return then(this.#reserve(guard, request, amounts, now), (admission) => {
          if (admission.action === 'go') (admission.ticket as Ticket).tenant = hold;
          else this.#release(tenants.settle(hold, {}, now));
          return admission;
        });
      });
    });
  }

  #reserve(guard: ModelGuard, request: GateRequest, amounts: Amounts, now: number): MaybePromise<Admission> {
    const slackMs = guard.coldSlackMs(now);
    return then(this.options.store.reserve(guard.key, guard.budget, amounts, now, slackMs), (result) =>
      this.#reserved(guard, request, amounts, result, now),
    );
  }

  #reserved(
    guard: ModelGuard,
    request: GateRequest,
    amounts: Amounts,
    result: ReserveResult,
    now: number,
  ): Admission {
    if (!result.ok) {
      const needed = amounts[result.dimension];
      if (result.retryInMs === Number.POSITIVE_INFINITY)
        return {
          action: 'skip',
          reason: `needs ${needed} ${result.dimension} at once, more than its limit can ever hold`,
        };
      return { action: 'wait', reason: `${result.dimension} budget empty`, retryInMs: result.retryInMs };
    }
    const low = result.headroom < this.options.reserveFraction;
    if (low && !this.#mayUseReserve.has(request)) {
      this.#settle(guard, amounts, {}, now);
      if (guard.markLow(true)) this.#announceLow(guard, now);
      // Usable now, but only as a last resort: a zero wait sends the router to the next candidate first.
      return { action: 'wait', reason: 'budget low (kept in reserve)', retryInMs: 0 };
    }
    if (guard.markLow(low)) this.#announceLow(guard, now);
    const permit = guard.acquire(amounts, now);
    if (!permit) {
      this.#settle(guard, amounts, {}, now);
      return { action: 'wait', reason: 'circuit half-open, probe in flight', retryInMs: guard.probeWaitMs() };
    }
    const place = this.#places.get(request);
    if (place !== undefined) this.#queue.admitted(place);
    const ticket: Ticket = { reserved: amounts, permit };
    return { action: 'go', ticket };
  }

  report(
    offer: Offer,
    request: GateRequest,
    ticket: unknown,
    outcome: Outcome,
    now: number,
  ): MaybePromise<void> {
    const guard = this.guard(offer);
    const { reserved, permit, tenant } = ticket as Ticket;
    const input = request.estimatedInputTokens;
    const { store } = this.options;
    const key = offer.key;
    // With the memory store every step below is synchronous; promises are collected only when not.
    let pending: Array<Promise<unknown>> | undefined;
    let actual: Amounts;
    const inFlight = outcome.type !== 'cancelled' && outcome.rateLimit ? guard.pendingAfter(reserved) : NONE;
    guard.done(reserved);
    if (outcome.type === 'success') {
      this.#answered(guard, now);
      permit.succeed();
      guard.succeeded();
      actual = usedBy(outcome.usage);
      pending = collect(pending, store.settle(key, guard.budget, reserved, actual, now));
      if (outcome.rateLimit)
        pending = collect(pending, store.observe(key, observationOf(outcome.rateLimit, inFlight), now));
    } else if (outcome.type === 'cancelled') {
      permit.abandon();
      actual = chargedFor('cancelled', input);
      pending = collect(pending, store.settle(key, guard.budget, reserved, actual, now));
    } else {
      this.#answered(guard, now);
      permit.fail(outcome.failure);
      guard.failed(failurePolicy(outcome.failure).cooldown === 'rate_limit');
      actual = outcome.usage ? usedBy(outcome.usage) : chargedFor(outcome.failure, input);
      pending = collect(pending, store.settle(key, guard.budget, reserved, actual, now));
      if (outcome.rateLimit)
        pending = collect(pending, store.observe(key, observationOf(outcome.rateLimit, inFlight), now));
      const ms = cooldownMs(outcome.failure, outcome, guard.rateLimitStreak, this.options.cooldown);
      if (ms !== undefined)
        pending = collect(
          pending,
          then(store.setCooldown(key, now + ms, now), (until) =>
            guard.coolingUntil(until, outcome.failure, now),
          ),
        );
    }
    // The tenant's own buckets settle to what the model's did.
    if (tenant) pending = collect(pending, (this.#tenantLimits as TenantLimits).settle(tenant, actual, now));
    // Capacity may have come back (a refund, a free slot, a settled probe): let waiters look again.
    this.#queue.wakeAll();
    if (pending) return Promise.all(pending).then(() => undefined);
  }

  /** A stream's response headers arrived: the provider answered (see `#answered`). */
  opened(offer: Offer, now: number): void {
    this.#answered(this.guard(offer), now);
  }

  /**
   * The provider answered a call: the first answer after a cold start gives back the refill the budget
   * gained while the provider may not have counted our calls.
   */
  #answered(guard: ModelGuard, now: number): void {
    const coldMs = guard.answered(now);
    if (coldMs > 0 && hasBudget(guard.budget)) this.#settle(guard, {}, refillOf(guard.budget, coldMs), now);
  }

  wait(request: GateRequest, ms: number, signal: AbortSignal, key?: string): Promise<void> {
    if (ms <= 0) {
      this.#mayUseReserve.add(request);
      return Promise.resolve();
    }
    let place = this.#places.get(request);
    if (place === undefined) {
      place = this.#queue.nextSeq();
      this.#places.set(request, place);
      request.tenant.waited++;
      this.#emit('queued', { requestId: request.requestId, waitMs: ms, waiting: this.#queue.size + 1 });
    }
    const now = this.#context.options.clock.now();
    return this.#queue.wait(now + ms, {
      priority: request.request.priority ?? 0,
      signal,
      seq: place,
      group: key,
      latest: request.deadline,
      tenant: request.tenant.id,
    });
  }

  inspect(offer: Offer, now: number): GateState {
    const guard = this.guard(offer);
    const state: GateState = { circuit: guard.circuit(now) };
    const { store } = this.options;
    const until = store.cooldownUntil(offer.key, now);
    if (!isPromise(until) && until > now) state.cooldownUntil = until;
    const levels = store.inspect(offer.key, guard.budget, now);
    if (!isPromise(levels)) state.budget = levels;
    return state;
  }

  inspectTenant(tenant: string, now: number): GateState['budget'] {
    const limit = this.#tenantLimits?.of(tenant);
    if (!limit) return undefined;
    const levels = (this.#tenantLimits as TenantLimits).inspect(limit, now);
    return isPromise(levels) ? undefined : levels;
  }

  close(): void {
    this.#queue.close(new ConfigError('router is closed; create a new one'));
    for (const guard of this.#guards.values()) guard.close();
  }

  #announceLow(guard: ModelGuard, now: number): void {
    const levels = this.options.store.inspect(guard.key, guard.budget, now);
    if (isPromise(levels)) return;
    let lowest: { dimension: string; available: number; capacity: number } | undefined;
    for (const [dimension, level] of Object.entries(levels)) {
      if (!level) continue;
      if (!lowest || level.available / level.capacity < lowest.available / lowest.capacity)
        lowest = { dimension, ...level };
    }
    if (lowest) this.#emit('budget-low', { provider: guard.provider, model: guard.model, ...lowest });
  }

  #settle(guard: ModelGuard, reserved: Amounts, actual: Amounts, now: number): void {
    this.#release(this.options.store.settle(guard.key, guard.budget, reserved, actual, now));
  }

  /** A settle nobody awaits: a shared store's failure is logged. */
  #release(done: MaybePromise<void>): void {
    if (isPromise(done))
      done.catch((error) =>
        this.#context.options.logger.error('store settle failed', { error: String(error) }),
      );
  }
}

export const createResilienceGate = (context: GateContext): CandidateGate => new ResilienceGate(context);
