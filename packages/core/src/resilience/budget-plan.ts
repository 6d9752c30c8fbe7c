import { type FailureClass, failurePolicy } from '../failure.js';
import { type Amounts, type BudgetLimits, DIMENSIONS, type Observation } from '../store.js';
import type { Limits, RateLimitSnapshot, Usage } from '../types.js';

const MINUTE_MS = 60_000;

/** Per-minute configured limits as buckets. */
export function budgetLimits(limits: Limits | undefined): BudgetLimits {
  const result: BudgetLimits = {};
  if (!limits) return result;
  if (limits.rpm) result.requests = { capacity: limits.rpm, windowMs: MINUTE_MS };
  if (limits.tpm) result.tokens = { capacity: limits.tpm, windowMs: MINUTE_MS };
  if (limits.inputTpm) result.inputTokens = { capacity: limits.inputTpm, windowMs: MINUTE_MS };
  if (limits.outputTpm) result.outputTokens = { capacity: limits.outputTpm, windowMs: MINUTE_MS };
  return result;
}

/**
 * What one call reserves before it is sent: a request, and `input + output` tokens (OpenAI and Groq count
 * the prompt plus max_tokens against TPM). Anthropic's separate buckets get the input estimate and the
 * output allowance. A store charges only the dimensions it has a limit for.
 */
export function reservation(inputTokens: number, outputTokens: number): Amounts {
  return { requests: 1, tokens: inputTokens + outputTokens, inputTokens, outputTokens };
}

/** What a successful call really used. */
export function usedBy(usage: Usage): Amounts {
  return {
    requests: 1,
    tokens: usage.inputTokens + usage.outputTokens,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
  };
}

/**
 * What a failed or abandoned call is charged (the failure table's `charge`). A refusal (429, 529, 4xx)
 * counts one request and refunds every token. Anything that may have reached the model (5xx, timeout,
 * a cut stream, an abort) also keeps the prompt's tokens and refunds the output allowance: the
 * provider's next headers correct the rest.
 */
export function chargedFor(failure: FailureClass | 'cancelled', inputTokens: number): Amounts {
  if (failure !== 'cancelled' && failurePolicy(failure).charge === 'request') return { requests: 1 };
  return { requests: 1, tokens: inputTokens, inputTokens };
}

/**
 * A response's rate-limit headers as a store observation (windows default to a minute), with what
 * calls admitted after the answered one still hold, which the provider's count may not include yet.
 */
export function observationOf(snapshot: RateLimitSnapshot, pending: Amounts): Observation {
  // Nothing sent since (the usual case): the snapshot is the observation (stores read only dimensions).
  if (pending.requests === undefined && pending.tokens === undefined) return snapshot;
  const observation: Observation = {};
  for (const dimension of DIMENSIONS) {
    const seen = snapshot[dimension];
    if (!seen) continue;
    const units = pending[dimension];
    observation[dimension] = units ? { ...seen, pending: units } : seen;
  }
  return observation;
}

/** The refill of `ms` in every configured bucket: what a cold start gives back on its first answer. */
export function refillOf(limits: BudgetLimits, ms: number): Amounts {
  const amounts: Amounts = {};
  for (const dimension of DIMENSIONS) {
    const limit = limits[dimension];
    if (limit) amounts[dimension] = (limit.capacity * ms) / limit.windowMs;
  }
  return amounts;
}

/** Whether configured limits say anything about budgets (else the model is learned from headers). */
export function hasBudget(limits: BudgetLimits): boolean {
  return Boolean(limits.requests || limits.tokens || limits.inputTokens || limits.outputTokens);
}
