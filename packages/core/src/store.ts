/**
 * Where budgets (token buckets) and cooldowns live. The memory store keeps everything in-process and
 * answers synchronously, so admission costs microseconds; a shared store (Redis) answers with promises
 * and makes every process that uses it share one set of limits. The router accepts either: it only
 * awaits when a method returns a promise.
 */
export type MaybePromise<T> = T | Promise<T>;

/** A budget dimension. `requests` and `tokens` exist everywhere; Anthropic splits input and output tokens. */
export type Dimension = 'requests' | 'tokens' | 'inputTokens' | 'outputTokens';
export const DIMENSIONS: readonly Dimension[] = ['requests', 'tokens', 'inputTokens', 'outputTokens'];

/** A continuously refilling bucket: `capacity` units, refilled at `capacity / windowMs` per millisecond. */
export type BucketLimit = { capacity: number; windowMs: number };
export type BudgetLimits = Partial<Record<Dimension, BucketLimit>>;
export type Amounts = Partial<Record<Dimension, number>>;

/** What a response's headers said about one dimension, relative to `now`. */
export type ObservedLimit = {
  limit?: number;
  remaining?: number;
  resetMs?: number;
  windowMs?: number;
  /**
   * Units this process reserved for calls admitted after the answered one and still in flight: the
   * provider may not have counted them in `remaining` yet, so the level is lowered to `remaining - pending`.
   */
  pending?: number;
};
export type Observation = Partial<Record<Dimension, ObservedLimit>>;

/**
 * A spend budget a reservation must also fit in: `amountUsd` more in the window that started at
 * `windowStart`, never more than `limitUsd` in all. `key` names the budget (and its tenant, provider
 * or model); the store keeps one total per key and window and forgets it once the window has ended.
 */
export type SpendHold = {
  key: string;
  limitUsd: number;
  windowStart: number;
  windowEnd: number;
  amountUsd: number;
};

/** A hold corrected to the real cost: the window it was taken in keeps `actualUsd` instead. */
export type SpendSettlement = {
  key: string;
  windowStart: number;
  windowEnd: number;
  reservedUsd: number;
  actualUsd: number;
};

export type ReserveResult =
  | {
      ok: true;
      /** Lowest fraction (0..1) of capacity left across dimensions after this reservation. */
      headroom: number;
      /** With spend holds: each budget's total in its window after this reservation, in hold order. */
      spentUsd?: number[];
    }
  | {
      ok: false;
      /** The dimension that is short, or 'spend' when a spend budget is. */
      dimension: Dimension | 'spend';
      /** When enough will have refilled; `Infinity` when the amount exceeds the bucket's capacity. */
      retryInMs: number;
      /** dimension 'spend': which hold did not fit (its index) and that budget's total in its window. */
      hold?: number;
      spentUsd?: number;
    };

/** Keys are `${provider}/${model}`; stores may namespace them further. */
export interface RouterStore {
  readonly kind: string;
  /**
   * Takes `amounts` from every dimension's bucket, all or nothing. `limits` are the configured
   * limits; a store prefers what it has learned from headers (`observe`) where it has. With `slackMs`,
   * each bucket must also keep what it refills in that time (never more than its capacity): the router
   * asks for it while the provider may not have counted the model's first calls yet. With `spend`
   * (stores whose `spendBudgets` is true), every spend hold must fit too, in the same all-or-nothing step.
   */
  reserve(
    key: string,
    limits: BudgetLimits,
    amounts: Amounts,
    now: number,
    slackMs?: number,
    spend?: readonly SpendHold[],
  ): MaybePromise<ReserveResult>;
  /**
   * Corrects a reservation to what was really used: refunds the difference or charges the excess.
   * `spend` corrects the spend holds taken with it (a released hold has `actualUsd` 0).
   */
  settle(
    key: string,
    limits: BudgetLimits,
    reserved: Amounts,
    actual: Amounts,
    now: number,
    spend?: readonly SpendSettlement[],
  ): MaybePromise<void>;
  /** True when `reserve` and `settle` honour spend holds (required by the `budgets` option). */
  readonly spendBudgets?: boolean;
  /**
   * Synchronous: a budget's total (settled plus held) in the window that started at `windowStart`, as
   * far as this process knows (a shared store: as of its last reply); undefined when it knows nothing.
   */
  spentUsd?(key: string, windowStart: number): number | undefined;
  /** Learns limit / remaining / reset from a response's rate-limit headers. */
  observe(key: string, observation: Observation, now: number): MaybePromise<void>;
  /** Current capacity and level per dimension, for stats and ranking; undefined where unknown. */
  inspect(
    key: string,
    limits: BudgetLimits,
    now: number,
  ): MaybePromise<Partial<Record<Dimension, { capacity: number; available: number }>>>;
  /** The time until which `key` is cooling down, or 0. */
  cooldownUntil(key: string, now: number): MaybePromise<number>;
  /** Extends the cooldown of `key` to `until`, never shortening it; returns the effective deadline. */
  setCooldown(key: string, until: number, now: number): MaybePromise<number>;
  close?(): MaybePromise<void>;
}
