import type { Clock } from '../clock.js';
import { type FailureClass, failurePolicy } from '../failure.js';
import type { Admission } from '../router/candidate-gate.js';
import type { Emit } from '../router/events.js';
import type { Offer } from '../router/rank.js';
import type { Amounts, BudgetLimits } from '../store.js';
import type { RateLimitSnapshot } from '../types.js';
import { LearningWindow } from './learning-window.js';
import { type BreakerPermit, type CircuitState, ModelBreaker } from './model-breaker.js';
import type { ResilienceOptions } from './resilience-options.js';

/** A slot for one admitted call. `abandon` is for a call given up before any answer (abort, deadline). */
export type Permit = BreakerPermit & { abandon(): void };

/**
 * How long a request waiting for a free slot (concurrency cap, the one learning probe, a half-open
 * probe) plans to wait. A report wakes it sooner; this only bounds the wait when a call hangs.
 */
export const SLOT_WAIT_MS = 250;

/**
 * The process-local state of one provider+model: its circuit breaker, calls in flight, the 429 streak,
 * and which events were already announced. Budgets and cooldowns themselves live in the store.
 */
export class ModelGuard {
  readonly key: string;
  readonly provider: string;
  readonly model: string;
  readonly budget: BudgetLimits;
  readonly #offer: Offer;
  readonly #emit: Emit;
  readonly #breaker: ModelBreaker;
  readonly #maxConcurrent: number;
  /** No configured limits: how many calls may be in flight while the limits are learned (else undefined). */
  readonly #learning: LearningWindow | undefined;
  #streak = 0;
  #announcedUntil = 0;
  #quotaUntil = 0;
  #low = false;
  /** Reservations of the calls in flight, in the order they were admitted, with the learning epoch they went in. */
  readonly #calls = new Map<Amounts, number>();
  /** When the first call went out; cleared by the first answer. */
  #coldSince: number | undefined;
  #answered = false;

  constructor(
    offer: Offer,
    budget: BudgetLimits,
    maxConcurrent: number | undefined,
    configured: boolean,
    options: ResilienceOptions,
    context: { clock: Clock; emit: Emit },
  ) {
    this.#offer = offer;
    this.key = offer.key;
    this.provider = offer.provider;
    this.model = offer.model;
    this.budget = budget;
    this.#emit = context.emit;
    this.#maxConcurrent = maxConcurrent ?? Number.POSITIVE_INFINITY;
    this.#learning =
      configured || options.learning === false ? undefined : new LearningWindow(options.learning);
    const target = { provider: offer.provider, model: offer.model };
    this.#breaker = new ModelBreaker(options.breaker, context.clock, (state) =>
      this.#emit(
        state === 'open' ? 'circuit-open' : state === 'closed' ? 'circuit-close' : 'circuit-half-open',
        {
          ...target,
        },
      ),
    );
  }

  /** 429s in a row, for the exponential cooldown. */
  get rateLimitStreak(): number {
    return this.#streak;
  }

  circuit(now: number): CircuitState {
    return this.#breaker.state(now);
  }

  /** Why this model cannot take a call now (cooling down, circuit open, no free slot), or undefined. */
  check(cooldownUntil: number, now: number): Admission | undefined {
    if (cooldownUntil > now) {
      if (this.#quotaUntil >= cooldownUntil)
        return {
          action: 'skip',
          reason: `quota exhausted; cooling down until ${new Date(cooldownUntil).toISOString()}`,
        };
      return { action: 'wait', reason: 'cooling down after a 429', retryInMs: cooldownUntil - now };
    }
    if (this.#announcedUntil !== 0) {
      this.#announcedUntil = 0;
      this.#emit('cooldown-end', { provider: this.#offer.provider, model: this.#offer.model });
    }
    const circuit = this.#breaker.state(now);
    if (circuit === 'open')
      return { action: 'wait', reason: 'circuit open', retryInMs: this.#breaker.reopensAt() - now };
    const inFlight = this.#calls.size;
    if (inFlight >= this.#maxConcurrent)
      return {
        action: 'wait',
        reason: `${inFlight} calls in flight (maxConcurrent)`,
        retryInMs: SLOT_WAIT_MS,
      };
    if (this.#learning && inFlight >= this.#learning.limit()) return this.#heldByLearning(inFlight);
    return undefined;
  }

  #heldByLearning(inFlight: number): Admission {
    const learning = this.#learning as LearningWindow;
    learning.held();
    return {
      action: 'wait',
      reason:
        learning.phase === 'probe'
          ? `limits unknown: ${inFlight} calls in flight until the first answer`
          : `request limit unknown: ${inFlight} calls in flight (learning window)`,
      retryInMs: SLOT_WAIT_MS,
    };
  }

  /**
   * Until the provider first answers, it may not have counted our calls yet (a cold connection can take
   * longer than the refill of a request), so nothing that refilled since the first call may be spent.
   */
  coldSlackMs(now: number): number {
    return this.#coldSince === undefined ? 0 : now - this.#coldSince;
  }

  /**
   * The first answer from the provider: returns how long the calls went uncounted, whose refill the
   * budget must give back (the provider started counting at the latest now). 0 after the first time.
   */
  answered(now: number): number {
    if (this.#answered) return 0;
    this.#answered = true;
    const since = this.#coldSince;
    this.#coldSince = undefined;
    return since === undefined ? 0 : Math.max(0, now - since);
  }

  /** What the calls admitted after the one that reserved `reserved` still hold, per dimension. */
  pendingAfter(reserved: Amounts): Amounts {
    const pending: Amounts = {};
    if (this.#calls.size < 2) return pending;
    let after = false;
    for (const call of this.#calls.keys()) {
      if (after)
        for (const key in call) {
          const dimension = key as keyof Amounts;
          pending[dimension] = (pending[dimension] ?? 0) + (call[dimension] ?? 0);
        }
      else if (call === reserved) after = true;
    }
    return pending;
  }

  /** The call that reserved `reserved` is over; returns the learning epoch it was sent in. */
  done(reserved: Amounts): number {
    const epoch = this.#calls.get(reserved) ?? 0;
    this.#calls.delete(reserved);
    return epoch;
  }

  /** Where learning stands: undefined for a model with configured limits (or `learning: false`). */
  get learning(): LearningWindow | undefined {
    return this.#learning;
  }

  /** The provider answered a call or opened a stream, with these rate-limit headers or none. */
  heard(snapshot: RateLimitSnapshot | undefined): void {
    this.#learning?.answered(snapshot);
  }

  probeWaitMs(): number {
    return SLOT_WAIT_MS;
  }

  /**
   * Takes a breaker slot and counts the call that reserved `reserved` in flight (until `done`);
   * undefined when the half-open probe is out.
   */
  acquire(reserved: Amounts, now: number): Permit | undefined {
    const permit = this.#breaker.acquire(now);
    if (!permit) return undefined;
    this.#calls.set(reserved, this.#learning ? this.#learning.epoch : 0);
    if (!this.#answered && this.#coldSince === undefined) this.#coldSince = now;
    return permit;
  }

  succeeded(): void {
    this.#streak = 0;
    this.#learning?.succeeded();
  }

  /** A call sent in learning epoch `sentIn` failed (after `heard`). */
  failed(rateLimited: boolean, sentIn: number): void {
    this.#streak = rateLimited ? this.#streak + 1 : 0;
    if (rateLimited) this.#learning?.rateLimited(sentIn);
  }

  /** Records a cooldown the store now holds; announces it when it starts or grows. */
  coolingUntil(until: number, failure: FailureClass, now: number): void {
    if (failurePolicy(failure).cooldown === 'quota') this.#quotaUntil = Math.max(this.#quotaUntil, until);
    if (until <= now || until <= this.#announcedUntil) return;
    this.#announcedUntil = until;
    this.#emit('cooldown-start', {
      provider: this.#offer.provider,
      model: this.#offer.model,
      until,
      reason: failure,
    });
  }

  /** True when the budget just went low (announce it once per crossing). */
  markLow(low: boolean): boolean {
    const crossed = low && !this.#low;
    this.#low = low;
    return crossed;
  }

  close(): void {
    this.#breaker.close();
  }
}
