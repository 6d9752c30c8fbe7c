// A burst at simulated providers whose limits would otherwise answer 429: the router's budgets keep
// every provider inside its limit, so no 429 is sent, every request succeeds, and the overflow goes to
// the next model in cost order. Without configured limits, the router learns them from the headers.
import { anthropic } from '@spillway/anthropic';
import { createRouter } from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RPM = 70;
let sims: SimulatedProvider[] = [];

beforeAll(async () => {
  sims = await Promise.all(
    (['groq', 'openai', 'anthropic'] as const).map((protocol) =>
      startSimulatedProvider({ protocol, limits: { rpm: RPM } }),
    ),
  );
});
afterAll(async () => {
  await Promise.all(sims.map((sim) => sim.close()));
});

function providers(limits: { rpm: number } | undefined, groqLimits = limits) {
  const [groqSim, openaiSim, anthropicSim] = sims as [
    SimulatedProvider,
    SimulatedProvider,
    SimulatedProvider,
  ];
  return [
    groq({
      apiKey: groqSim.apiKey,
      baseURL: groqSim.baseURL,
      models: ['openai/gpt-oss-120b'],
      limits: groqLimits,
    }),
    openai({ apiKey: openaiSim.apiKey, baseURL: openaiSim.baseURL, models: ['gpt-5.4-mini'], limits }),
    anthropic({
      apiKey: anthropicSim.apiKey,
      baseURL: anthropicSim.baseURL,
      models: ['claude-haiku-4-5'],
      limits,
    }),
  ];
}

const ask = { messages: [{ role: 'user' as const, content: 'Say hello.' }], maxTokens: 16 };

describe('a burst of 200 requests against simulated limits', () => {
  it('with limits configured: zero 429s, every request succeeds, overflow in cost order', async () => {
    for (const sim of sims) sim.reset();
    const router = createRouter({ providers: providers({ rpm: RPM }) });
    const results = await Promise.all(Array.from({ length: 200 }, () => router.chat(ask)));
    await router.close();
    expect(sims.map((sim) => sim.stats().rateLimited)).toEqual([0, 0, 0]);
    const served = new Map<string, number>();
    for (const result of results) served.set(result.provider, (served.get(result.provider) ?? 0) + 1);
    const ranked = results[0]?.attempts[0]?.provider;
    // The cheapest model fills up first (all but its small reserve), then the next, then the rest.
    const counts = [...served.entries()].sort((a, b) => b[1] - a[1]);
    expect(counts[0]?.[0]).toBe(ranked);
    expect(counts[0]?.[1]).toBeGreaterThanOrEqual(RPM * 0.9);
    expect(results.reduce((sum, result) => sum + result.attempts.length, 0)).toBe(200);
  });

  // Groq sends no header for its per-minute request limit (its request headers are per day); its first
  // 429 states it, too late for a burst, so here its RPM is configured. OpenAI and Anthropic are learned
  // from their headers alone.
  it('without limits configured: at most a handful of 429s while the headers are learned', async () => {
    for (const sim of sims) sim.reset();
    const router = createRouter({ providers: providers(undefined, { rpm: RPM }) });
    const results = await Promise.all(Array.from({ length: 150 }, () => router.chat(ask)));
    await router.close();
    expect(results).toHaveLength(150);
    const rateLimited = sims.reduce((sum, sim) => sum + sim.stats().rateLimited, 0);
    expect(rateLimited).toBeLessThanOrEqual(5);
  });
});
