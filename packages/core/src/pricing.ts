import type { ModelSpec, Usage } from './types.js';

/** The prices one cost needs; a `ModelSpec` has them. */
export type Prices = Pick<
  ModelSpec,
  | 'inputUsdPerMTok'
  | 'outputUsdPerMTok'
  | 'cachedInputUsdPerMTok'
  | 'cacheWriteUsdPerMTok'
  | 'cacheWrite1hUsdPerMTok'
  | 'longContext'
>;

/**
 * USD for a number of tokens at a model's prices. `inputTokens` counts every input token, cache reads
 * and cache writes included (as `Usage` does); those two are charged at their own prices, or at the
 * input price when the model has none, and the 1-hour part of the writes at the 1-hour price. Past a model's long-context threshold every token of the request
 * is charged at the long-context prices, as the providers bill it. The one price function: a result's `costUsd`, stats and the
 * ranking's estimates call it (a budget's reservation should too), so estimates and invoices agree.
 * Takes numbers, not a `Usage`, so the ranking can call it per candidate without allocating.
 */
export function costUsd(
  prices: Prices,
  inputTokens: number,
  outputTokens: number,
  cachedInputTokens = 0,
  cacheWriteInputTokens = 0,
  cacheWrite1hInputTokens = 0,
): number {
  const long = prices.longContext;
  const tier = long !== undefined && inputTokens > long.aboveInputTokens ? long : prices;
  // A provider reporting more cache tokens than input tokens must not make the rest negative.
  const uncached = Math.max(0, inputTokens - cachedInputTokens - cacheWriteInputTokens);
  const input = tier.inputUsdPerMTok;
  const write = tier.cacheWriteUsdPerMTok ?? input;
  // The 1-hour writes are a part of the writes; never more than all of them.
  const longWrites = Math.min(cacheWrite1hInputTokens, cacheWriteInputTokens);
  return (
    (uncached * input +
      cachedInputTokens * (tier.cachedInputUsdPerMTok ?? input) +
      (cacheWriteInputTokens - longWrites) * write +
      longWrites * (tier.cacheWrite1hUsdPerMTok ?? write) +
      outputTokens * tier.outputUsdPerMTok) /
    1e6
  );
}

/** What a usage cost at a model's prices (see `costUsd`). */
export function usageCostUsd(prices: Prices, usage: Usage): number {
  return costUsd(
    prices,
    usage.inputTokens,
    usage.outputTokens,
    usage.cachedInputTokens,
    usage.cacheWriteInputTokens,
    usage.cacheWrite1hInputTokens,
  );
}
