import { SpendLedger } from '../budgets/spend-ledger.js';
import type {
  Amounts,
  BudgetLimits,
  Dimension,
  Observation,
  ReserveResult,
  RouterStore,
  SpendHold,
  SpendSettlement,
} from '../store.js';
import { DIMENSIONS } from '../store.js';
import { type Bucket, credit, fullBucket, refill, resize, timeUntilFits } from './token-bucket.js';

const MINUTE_MS = 60_000;

/** One bucket of one model: a dimension over one window (Groq has requests per day and per minute). */
type Entry = Bucket & { dimension: Dimension; learned: boolean };

type ModelState = { entries: Entry[]; limits: BudgetLimits | undefined; cooldownUntil: number };

type Levels = Partial<Record<Dimension, { capacity: number; available: number }>>;

/** A `RouterStore` whose every answer is synchronous. */
export interface MemoryStore extends RouterStore {
  reserve(
    key: string,
    limits: BudgetLimits,
    amounts: Amounts,
    now: number,
    slackMs?: number,
    spend?: readonly SpendHold[],
  ): ReserveResult;
  settle(
    key: string,
    limits: BudgetLimits,
    reserved: Amounts,
    actual: Amounts,
    now: number,
    spend?: readonly SpendSettlement[],
  ): void;
  readonly spendBudgets: true;
  spentUsd(key: string, windowStart: number): number | undefined;
  observe(key: string, observation: Observation, now: number): void;
  inspect(key: string, limits: BudgetLimits, now: number): Levels;
  cooldownUntil(key: string, now: number): number;
  setCooldown(key: string, until: number, now: number): number;
}

/**
 * The default store: budgets and cooldowns in this process's memory. Every method answers synchronously
 * (no promise, no timer), so admission costs a few map lookups and some arithmetic.
 *
 * A model has one bucket per dimension and window. Configured limits create buckets; headers (`observe`)
 * replace the capacity of the bucket with the same window or add a bucket for a new window, and lower
 * its level to the `remaining` the provider reported less what we sent since (never raise it: our own
 * reservations for calls still in flight are not in the provider's count yet).
 */
export function memoryStore(): MemoryStore {
  const models = new Map<string, ModelState>();
  const ledger = new SpendLedger();

  function state(key: string): ModelState {
    let model = models.get(key);
    if (!model) {
      model = { entries: [], limits: undefined, cooldownUntil: 0 };
      models.set(key, model);
    }
    return model;
  }

  function find(model: ModelState, dimension: Dimension, windowMs: number): Entry | undefined {
    for (const entry of model.entries)
      if (entry.dimension === dimension && entry.windowMs === windowMs) return entry;
    return undefined;
  }

  // Configured limits are the starting point: a bucket for each, unless headers already taught us one.
  function configure(model: ModelState, limits: BudgetLimits, now: number): void {
    if (model.limits === limits) return;
    model.limits = limits;
    for (const dimension of DIMENSIONS) {
      const limit = limits[dimension];
      if (!limit) continue;
      const entry = find(model, dimension, limit.windowMs);
      if (!entry)
        model.entries.push({ ...fullBucket(limit.capacity, limit.windowMs, now), dimension, learned: false });
      else if (!entry.learned && entry.capacity !== limit.capacity) {
        refill(entry, now);
        resize(entry, limit.capacity, limit.windowMs);
      }
    }
  }

  return {
    kind: 'memory',
    spendBudgets: true,

    reserve(key, limits, amounts, now, slackMs = 0, spend?): ReserveResult {
      const model = state(key);
      configure(model, limits, now);
      let headroom = 1;
      let shortest: Dimension | undefined;
      let retryInMs = 0;
      for (const entry of model.entries) {
        const amount = amounts[entry.dimension];
        if (!amount) continue;
        refill(entry, now);
        const wait = timeUntilFits(entry, amount, slackMs);
        if (wait > retryInMs) {
          retryInMs = wait;
          shortest = entry.dimension;
        }
        const left = (entry.level - amount) / entry.capacity;
        if (left < headroom) headroom = left;
      }
      if (shortest !== undefined) return { ok: false, dimension: shortest, retryInMs };
      let spentUsd: number[] | undefined;
      if (spend?.length) {
        const short = ledger.reserve(spend);
        if (short >= 0) {
          const hold = spend[short] as SpendHold;
          const spent = ledger.spent(hold.key, hold.windowStart);
          return {
            ok: false,
            dimension: 'spend',
            retryInMs: hold.windowEnd - now,
            hold: short,
            spentUsd: spent,
          };
        }
        spentUsd = spend.map((hold) => ledger.spent(hold.key, hold.windowStart));
      }
      for (const entry of model.entries) {
        const amount = amounts[entry.dimension];
        if (amount) entry.level -= amount;
      }
      const result: ReserveResult = { ok: true, headroom: Math.max(headroom, 0) };
      if (spentUsd) result.spentUsd = spentUsd;
      return result;
    },

    spentUsd: (key, windowStart) => ledger.known(key, windowStart),

    settle(key, limits, reserved, actual, now, spend?): void {
      if (spend?.length) ledger.settle(spend);
      const model = state(key);
      configure(model, limits, now);
      for (const entry of model.entries) {
        const delta = (reserved[entry.dimension] ?? 0) - (actual[entry.dimension] ?? 0);
        if (delta === 0) continue;
        refill(entry, now);
        credit(entry, delta);
      }
    },

    observe(key, observation: Observation, now): void {
      const model = state(key);
      for (const dimension of DIMENSIONS) {
        const seen = observation[dimension];
        if (!seen) continue;
        const windowMs = seen.windowMs ?? MINUTE_MS;
        let entry = find(model, dimension, windowMs);
        if (seen.limit !== undefined && seen.limit > 0) {
          if (!entry) {
            entry = { ...fullBucket(seen.limit, windowMs, now), dimension, learned: true };
            model.entries.push(entry);
          } else {
            refill(entry, now);
            if (entry.capacity !== seen.limit) resize(entry, seen.limit, windowMs);
            entry.learned = true;
          }
        }
        if (entry && seen.remaining !== undefined) {
          refill(entry, now);
          const left = seen.remaining - (seen.pending ?? 0);
          if (left < entry.level) entry.level = left;
        }
      }
    },

    inspect(key, limits, now): Levels {
      const model = state(key);
      configure(model, limits, now);
      const result: Levels = {};
      for (const entry of model.entries) {
        refill(entry, now);
        const current = result[entry.dimension];
        const available = Math.max(0, entry.level);
        // Report the tightest window of a dimension, by fraction left.
        if (!current || available / entry.capacity < current.available / current.capacity)
          result[entry.dimension] = { capacity: entry.capacity, available };
      }
      return result;
    },

    cooldownUntil(key, now): number {
      const until = models.get(key)?.cooldownUntil ?? 0;
      return until > now ? until : 0;
    },

    setCooldown(key, until, now): number {
      const model = state(key);
      if (until > model.cooldownUntil && until > now) model.cooldownUntil = until;
      return model.cooldownUntil;
    },
  };
}
