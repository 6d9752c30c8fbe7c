import { BudgetBook, maxCostUsd, type SpendTicket } from '../budgets/budget-book.js';
import { SpendBudgets } from '../budgets/spend-budgets.js';
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
import { costOf } from '../router/request-run.js';
import type { Amounts, MaybePromise, ReserveResult, SpendSettlement } from '../store.js';
import type { RateLimitSnapshot, Usage } from '../types.js';
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
import { statesRequestLimit } from './learning-window.js';
import { ModelGuard, type Permit } from './model-guard.js';
import { type ResilienceOptions, resilienceOptions } from './resilience-options.js';
import { type TenantHold, TenantLimits, tenantShort } from './tenant-limits.js';
import { WaitQueue } from './wait-queue.js';

type Ticket = { reserved: Amounts; permit: Permit; tenant?: TenantHold; spend: SpendTicket | undefined };

const NONE: Amounts = {};

/** A reservation without its request: what a request's later attempts take from its tenant. */
const tokensOnly = ({ requests: _, ...tokens }: Amounts): Amounts => tokens;

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
  /** Spend budgets; undefined when none are configured (then nothing on the hot path looks at them). */
  readonly #book: BudgetBook | undefined;

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
    const spend = new SpendBudgets(context.options.budgets, tenants, context.options.clock.now());
    if (!spend.empty) {
      if (this.options.store.spendBudgets !== true)
        throw new ConfigError(
          `store (${this.options.store.kind}) does not keep spend budgets; use memoryStore() or redisStore()`,
          { field: 'store' },
        );
      this.#book = new BudgetBook(spend, context.emit);
      // Budgets that do not depend on a tenant show in stats before the first request meets them.
      for (const adapter of context.options.providers)
        for (const spec of adapter.models)
          this.#book.know({
            key: `${adapter.name}/${spec.id}`,
            provider: adapter.name,
            model: spec.id,
            adapter,
            spec,
          });
    }
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
      let spend: SpendTicket | undefined;
      if (this.#book) {
        const { spec } = offer;
        const outputTokens =
          request.request.maxTokens ?? spec.maxOutputTokens ?? request.expectedOutputTokens;
        const cost = maxCostUsd(spec, request.estimatedInputTokens, outputTokens);
        const prepared = this.#book.prepare(offer, request.request.tenant, cost, now);
        if (prepared && 'reason' in prepared)
          return { action: 'skip', reason: prepared.reason, budget: prepared };
        spend = prepared;
      }
      const limit = this.#tenantLimits?.of(request.tenant.id);
      if (!limit) return this.#reserve(guard, offer, request, amounts, spend, now);
      // A tenant's rpm counts its requests, not attempts: once one attempt went, a fallback or a hedge of
      // the same request takes only its tokens from the tenant (none to take without a tpm).
      const counted = request.tenantCounted;
      if (counted && !limit.limits.tokens) return this.#reserve(guard, offer, request, amounts, spend, now);
      const tenantAmounts = counted ? tokensOnly(amounts) : amounts;
      // The tenant's own ceiling first: when it is what is short, the model's budget is not touched.
      const tenants = this.#tenantLimits as TenantLimits;
      return then(tenants.reserve(limit, tenantAmounts, now), (held) => {
        if (!held.ok) {
          if (!this.#heldBack.has(request)) {
            this.#heldBack.add(request);
            request.tenant.rateLimited++;
          }
          return tenantShort(limit, held);
        }
        const hold: TenantHold = { limit, reserved: tenantAmounts };
        return then(this.#reserve(guard, offer, request, amounts, spend, now), (admission) => {
          if (admission.action === 'go') {
            (admission.ticket as Ticket).tenant = hold;
            request.tenantCounted = true;
          } else this.#release(tenants.settle(hold, {}, now));
          return admission;
        });
      });
    });
  }

  #reserve(
    guard: ModelGuard,
    offer: Offer,
    request: GateRequest,
    amounts: Amounts,
    spend: SpendTicket | undefined,
    now: number,
  ): MaybePromise<Admission> {
    const slackMs = guard.coldSlackMs(now);
    const { store } = this.options;
    return then(store.reserve(guard.key, guard.budget, amounts, now, slackMs, spend?.holds), (result) =>
      this.#reserved(guard, offer, request, amounts, spend, result, now),
    );
  }

  #reserved(
    guard: ModelGuard,
    offer: Offer,
    request: GateRequest,
    amounts: Amounts,
    spend: SpendTicket | undefined,
    result: ReserveResult,
    now: number,
  ): Admission {
    if (!result.ok && result.dimension === 'spend' && spend && this.#book) {
      const refusal = this.#book.refused(offer, spend, result.hold ?? 0, result.spentUsd, now);
      return { action: 'skip', reason: refusal.reason, budget: refusal };
    }
    if (!result.ok) {
      const needed = amounts[result.dimension as keyof Amounts];
      if (result.retryInMs === Number.POSITIVE_INFINITY)
        return {
          action: 'skip',
          reason: `needs ${needed} ${result.dimension} at once, more than its limit can ever hold`,
        };
      return { action: 'wait', reason: `${result.dimension} budget empty`, retryInMs: result.retryInMs };
    }
    if (spend) this.#book?.reserved(offer, spend, result.spentUsd, now);
    const low = result.headroom < this.options.reserveFraction;
    if (low && !this.#mayUseReserve.has(request)) {
      this.#settle(guard, amounts, {}, now, this.#spendSettled(spend));
      if (guard.markLow(true)) this.#announceLow(guard, now);
      // Usable now, but only as a last resort: a zero wait sends the router to the next candidate first.
      return { action: 'wait', reason: 'budget low (kept in reserve)', retryInMs: 0 };
    }
    if (guard.markLow(low)) this.#announceLow(guard, now);
    const permit = guard.acquire(amounts, now);
    if (!permit) {
      this.#settle(guard, amounts, {}, now, this.#spendSettled(spend));
      return { action: 'wait', reason: 'circuit half-open, probe in flight', retryInMs: guard.probeWaitMs() };
    }
    const place = this.#places.get(request);
    if (place !== undefined) this.#queue.admitted(place);
    const ticket: Ticket = { reserved: amounts, permit, spend };
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
    const { reserved, permit, tenant, spend } = ticket as Ticket;
    const input = request.estimatedInputTokens;
    const { store } = this.options;
    const key = offer.key;
    // With the memory store every step below is synchronous; promises are collected only when not.
    let pending: Array<Promise<unknown>> | undefined;
    let actual: Amounts;
    const inFlight = outcome.type !== 'cancelled' && outcome.rateLimit ? guard.pendingAfter(reserved) : NONE;
    const sentIn = guard.done(reserved);
    if (outcome.type === 'success') {
      this.#answered(guard, now);
      permit.succeed();
      actual = usedBy(outcome.usage);
      const settled = this.#spendSettled(spend, offer, outcome.usage);
      pending = collect(pending, store.settle(key, guard.budget, reserved, actual, now, settled));
      const observed = outcome.rateLimit
        ? store.observe(key, observationOf(outcome.rateLimit, inFlight), now)
        : undefined;
      pending = collect(pending, observed);
      this.#heard(guard, outcome.rateLimit, observed);
      guard.succeeded();
    } else if (outcome.type === 'cancelled') {
      permit.abandon();
      actual = outcome.usage ? usedBy(outcome.usage) : chargedFor('cancelled', input);
      const settled = this.#spendSettled(spend, offer, outcome.usage);
      pending = collect(pending, store.settle(key, guard.budget, reserved, actual, now, settled));
    } else {
      this.#answered(guard, now);
      permit.fail(outcome.failure);
      actual = outcome.usage ? usedBy(outcome.usage) : chargedFor(outcome.failure, input);
      // A failed call costs nothing unless a stream broke after content (then what it used).
      const settled = this.#spendSettled(spend, offer, outcome.usage);
      pending = collect(pending, store.settle(key, guard.budget, reserved, actual, now, settled));
      const observed = outcome.rateLimit
        ? store.observe(key, observationOf(outcome.rateLimit, inFlight), now)
        : undefined;
      pending = collect(pending, observed);
      this.#heard(guard, outcome.rateLimit, observed);
      guard.failed(failurePolicy(outcome.failure).cooldown === 'rate_limit', sentIn);
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
  opened(offer: Offer, now: number, headers: { readonly rateLimit: RateLimitSnapshot | undefined }): void {
    const guard = this.guard(offer);
    this.#answered(guard, now);
    const learning = guard.learning;
    if (!learning || learning.phase === 'open') return;
    const rateLimit = headers.rateLimit;
    // The stream's headers may state the limit the window waits for: the store learns it now (the
    // stream's report observes them again at its end), so the window can open before the stream ends.
    const observed =
      rateLimit && statesRequestLimit(rateLimit)
        ? this.options.store.observe(offer.key, observationOf(rateLimit, NONE), now)
        : undefined;
    this.#heard(guard, rateLimit, observed);
    if (isPromise(observed))
      observed.then(
        () => this.#queue.wakeAll(),
        (error) => this.#context.options.logger.error('store observe failed', { error: String(error) }),
      );
    // More may go now: let the waiters look again.
    else this.#queue.wakeAll();
  }

  /**
   * Tells a learning model what an answer's headers said. A stated request limit opens its window only
   * once the store holds that limit (a shared store answers later), so nothing is admitted unpaced.
   */
  #heard(guard: ModelGuard, snapshot: RateLimitSnapshot | undefined, observed: MaybePromise<void>): void {
    if (!guard.learning) return;
    if (isPromise(observed) && statesRequestLimit(snapshot))
      observed.then(
        () => {
          guard.heard(snapshot);
          this.#queue.wakeAll();
        },
        () => guard.heard(undefined),
      );
    else guard.heard(snapshot);
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
      const { tenant } = request.request;
      this.#emit('queued', {
        requestId: request.requestId,
        waitMs: ms,
        waiting: this.#queue.size + 1,
        ...(tenant === undefined ? {} : { tenant }),
      });
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

  /** Spend holds settled to what `usage` cost on `offer`, or released (nothing used). */
  #spendSettled(spend: SpendTicket | undefined, offer?: Offer, usage?: Usage): SpendSettlement[] | undefined {
    if (!spend || !this.#book) return undefined;
    const actual = offer && usage ? costOf(offer as Parameters<typeof costOf>[0], usage) : 0;
    return this.#book.settlements(spend, actual);
  }

  budgets(now: number) {
    return this.#book?.stats(this.options.store, now);
  }

  #settle(
    guard: ModelGuard,
    reserved: Amounts,
    actual: Amounts,
    now: number,
    spend?: SpendSettlement[],
  ): void {
    this.#release(this.options.store.settle(guard.key, guard.budget, reserved, actual, now, spend));
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
