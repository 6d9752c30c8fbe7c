import type { Limits } from '@spillway/core';

/** The Gemini API usage tiers this package has default limits for. */
export type GeminiTier = 'free' | 'tier1';

// Gemini sends no rate-limit headers, so the router cannot learn limits from responses: these are the
// per-model limits Google published for each tier (ai.google.dev/gemini-api/docs/rate-limits, as copied
// by third parties in 2025-2026). Limits are per project, and Gemini's TPM counts input tokens only,
// hence `inputTpm`. Requests per day have no bucket in the router; a per-day 429 cools the model down
// until midnight Pacific instead. Check your project's own limits in AI Studio and pass `limits`.
const TIER_LIMITS: Record<GeminiTier, Record<string, Limits>> = {
  free: {
    'gemini-2.5-pro': { rpm: 5, inputTpm: 250_000 },
    'gemini-2.5-flash': { rpm: 10, inputTpm: 250_000 },
    'gemini-2.5-flash-lite': { rpm: 15, inputTpm: 250_000 },
    'gemini-3-flash-preview': { rpm: 10, inputTpm: 250_000 },
  },
  tier1: {
    'gemini-3.1-pro-preview': { rpm: 25, inputTpm: 1_000_000 },
    'gemini-3-flash-preview': { rpm: 1000, inputTpm: 1_000_000 },
    'gemini-2.5-pro': { rpm: 150, inputTpm: 2_000_000 },
    'gemini-2.5-flash': { rpm: 1000, inputTpm: 1_000_000 },
    'gemini-2.5-flash-lite': { rpm: 4000, inputTpm: 4_000_000 },
  },
};

/** The default limits of `model` on `tier`, if this package knows them (a fresh copy). */
export function tierLimits(tier: GeminiTier, model: string): Limits | undefined {
  const limits = TIER_LIMITS[tier][model];
  return limits ? { ...limits } : undefined;
}

export const GEMINI_TIERS = Object.keys(TIER_LIMITS) as GeminiTier[];
