import { costUsd } from '../pricing.js';
import type { Emit } from '../router/events.js';
import type { Offer } from '../router/rank.js';
import type { RouterStore, SpendHold, SpendSettlement } from '../store.js';
import type { ModelSpec } from '../types.js';
import type { BudgetScope, BudgetWindow } from './budget-options.js';
import type { BudgetInstance, SpendBudgets } from './spend-budgets.js';

/** What a request holds on spend budgets for one admitted call. */
export type SpendTicket = { instances: readonly BudgetInstance[]; holds: SpendHold[] };

/** Why a budget refused a call: what BudgetExceededError says. */
export type BudgetRefusal = {
  budget: string;
  tenant?: string;
  window: BudgetWindow;
  limitUsd: number;
  resetAt: number;
  retryAfterMs: number;
  /** The call's maximum cost is more than the budget holds in a whole window. */
  neverFits: boolean;
  reason: string;
};

/** One budget instance in `stats().budgets`, keyed by its label. */
export type BudgetStats = {
  name: string;
  /** The tenant whose `budgets` it is in. */
  tenant?: string;
  scope: BudgetScope;
  /** The tenant, provider or model this instance of a per-x budget counts. */
  instance?: string;
  window: BudgetWindow;
  limitUsd: number;
  /** Settled spend plus what calls in flight hold, in the current window (a shared store: as last seen). */
  spentUsd: number;
  /** What this process's calls in flight hold. */
  heldUsd: number;
  remainingUsd: number;
  /** Epoch ms when the window starts over. */
  resetAt: number;
};

/** Remaining share below which `budget-low` is emitted, once per budget and window. */
export const BUDGET_LOW_FRACTION = 0.1;

const usd = (value: number) => `$${Number(value.toPrecision(4))}`;

/**
 * The most a call can cost: the prompt estimate plus its whole output allowance, at the model's prices
 * (long-context prices when the estimate passes the threshold), with no cache discount.
 */
export function maxCostUsd(spec: ModelSpec, inputTokens: number, outputTokens: number): number {
  return costUsd(spec, inputTokens, outputTokens);
}

type Seen = { instance: BudgetInstance; heldUsd: number; lowIn: number; exhaustedIn: number };

/**
 * The gate's side of spend budgets: the holds to reserve, events (`budget-low` once per window when
 * under a tenth is left, `budget-exhausted` once per window when a call is refused), refusals for
 * BudgetExceededError, and `stats().budgets`.
 */
export class BudgetBook {
  readonly budgets: SpendBudgets;
  readonly #emit: Emit;
  readonly #seen = new Map<string, Seen>();

  constructor(budgets: SpendBudgets, emit: Emit) {
    this.budgets = budgets;
    this.#emit = emit;
  }

  /** Lists the budget instances that count every request on `offer`, for stats. */
  know(offer: Offer): void {
    for (const instance of this.budgets.instances(offer, undefined)) this.#track(instance);
  }

  /** The holds for a call on `offer`, or the refusal of a budget it can never fit in. */
  prepare(
    offer: Offer,
    tenant: string | undefined,
    amountUsd: number,
    now: number,
  ): SpendTicket | BudgetRefusal | undefined {
    const instances = this.budgets.instances(offer, tenant);
    if (instances.length === 0) return undefined;
    const holds = this.budgets.holds(instances, amountUsd, now);
    for (let index = 0; index < holds.length; index++) {
      const hold = holds[index] as SpendHold;
      if (hold.amountUsd > hold.limitUsd)
        return this.#refusal(
          instances[index] as BudgetInstance,
          hold,
          now,
          true,
          `costs up to ${usd(hold.amountUsd)} (prompt estimate + maxTokens), more than budget "${(instances[index] as BudgetInstance).label}" holds in a window (${usd(hold.limitUsd)})`,
        );
    }
    return { instances, holds };
  }

  /** The store took the holds: count them in flight and announce budgets running low. */
  reserved(offer: Offer, ticket: SpendTicket, spentUsd: readonly number[] | undefined, now: number): void {
    for (let index = 0; index < ticket.holds.length; index++) {
      const hold = ticket.holds[index] as SpendHold;
      const seen = this.#track(ticket.instances[index] as BudgetInstance);
      seen.heldUsd += hold.amountUsd;
      const spent = spentUsd?.[index];
      if (spent === undefined) continue;
      const remaining = hold.limitUsd - spent;
      if (remaining < hold.limitUsd * BUDGET_LOW_FRACTION && seen.lowIn !== hold.windowStart) {
        seen.lowIn = hold.windowStart;
        this.#emit('budget-low', {
          provider: offer.provider,
          model: offer.model,
          dimension: 'usd',
          available: Math.max(0, remaining),
          capacity: hold.limitUsd,
          ...this.#describe(seen.instance, hold),
        });
      }
    }
    void now;
  }

  /** The store refused hold `index`: the refusal, and `budget-exhausted` once per window. */
  refused(
    offer: Offer,
    ticket: SpendTicket,
    index: number,
    spentUsd: number | undefined,
    now: number,
  ): BudgetRefusal {
    const instance = ticket.instances[index] as BudgetInstance;
    const hold = ticket.holds[index] as SpendHold;
    const seen = this.#track(instance);
    if (seen.exhaustedIn !== hold.windowStart) {
      seen.exhaustedIn = hold.windowStart;
      this.#emit('budget-exhausted', {
        provider: offer.provider,
        model: offer.model,
        spentUsd: spentUsd ?? hold.limitUsd,
        neededUsd: hold.amountUsd,
        ...this.#describe(instance, hold),
      });
    }
    const left = spentUsd === undefined ? '' : ` (${usd(Math.max(0, hold.limitUsd - spentUsd))} left)`;
    return this.#refusal(
      instance,
      hold,
      now,
      false,
      `needs up to ${usd(hold.amountUsd)}, more than budget "${instance.label}" has left${left} until ${new Date(hold.windowEnd).toISOString()}`,
    );
  }

  /** The call ended: what each hold settles to (`actualUsd` 0 releases it). */
  settlements(ticket: SpendTicket, actualUsd: number): SpendSettlement[] {
    const result: SpendSettlement[] = [];
    for (let index = 0; index < ticket.holds.length; index++) {
      const hold = ticket.holds[index] as SpendHold;
      const seen = this.#seen.get(hold.key);
      if (seen) seen.heldUsd = Math.max(0, seen.heldUsd - hold.amountUsd);
      result.push({
        key: hold.key,
        windowStart: hold.windowStart,
        windowEnd: hold.windowEnd,
        reservedUsd: hold.amountUsd,
        actualUsd,
      });
    }
    return result;
  }

  /** Every budget instance a request has touched so far, as the store last knew it. */
  stats(store: RouterStore, now: number): Record<string, BudgetStats> {
    const result: Record<string, BudgetStats> = {};
    for (const { instance, heldUsd } of this.#seen.values()) {
      const { budget } = instance;
      const span = this.budgets.span(budget, now);
      const spentUsd = store.spentUsd?.(instance.key, span.start) ?? 0;
      const entry: BudgetStats = {
        name: budget.name,
        scope: budget.scope,
        window: budget.window,
        limitUsd: budget.limitUsd,
        spentUsd,
        heldUsd,
        remainingUsd: Math.max(0, budget.limitUsd - spentUsd),
        resetAt: span.end,
      };
      if (budget.owner !== undefined) entry.tenant = budget.owner;
      if (instance.instance !== undefined) entry.instance = instance.instance;
      result[instance.label] = entry;
    }
    return result;
  }

  #track(instance: BudgetInstance): Seen {
    let seen = this.#seen.get(instance.key);
    if (!seen) {
      seen = { instance, heldUsd: 0, lowIn: Number.NaN, exhaustedIn: Number.NaN };
      this.#seen.set(instance.key, seen);
    }
    return seen;
  }

  #describe(instance: BudgetInstance, hold: SpendHold) {
    const { budget } = instance;
    return {
      budget: instance.label,
      ...(budget.owner === undefined ? {} : { tenant: budget.owner }),
      window: budget.window,
      limitUsd: budget.limitUsd,
      resetAt: hold.windowEnd,
    };
  }

  #refusal(
    instance: BudgetInstance,
    hold: SpendHold,
    now: number,
    neverFits: boolean,
    reason: string,
  ): BudgetRefusal {
    const refusal: BudgetRefusal = {
      budget: instance.label,
      window: instance.budget.window,
      limitUsd: hold.limitUsd,
      resetAt: hold.windowEnd,
      retryAfterMs: Math.max(0, hold.windowEnd - now),
      neverFits,
      reason,
    };
    if (instance.budget.owner !== undefined) refusal.tenant = instance.budget.owner;
    return refusal;
  }
}
