// Shared by the examples: real providers when their API keys are set, otherwise simulated ones
// (real HTTP servers on 127.0.0.1 speaking each provider's protocol), so every example runs offline.
import { anthropic } from '@spillway/anthropic';
import type { Limits, ProviderAdapter } from '@spillway/core';
import { google } from '@spillway/google';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import { type SimFaults, type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';

export type Setup = {
  providers: ProviderAdapter[];
  /** The simulators by provider name; empty when live. */
  sims: Record<string, SimulatedProvider>;
  live: boolean;
  close(): Promise<void>;
};

type Kind = 'openai' | 'anthropic' | 'groq' | 'google';
const KEYS: Record<Kind, string[]> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  groq: ['GROQ_API_KEY'],
  google: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'],
};
const FACTORIES = { openai, anthropic, groq, google };
// The simulator protocol each kind speaks.
const PROTOCOLS = { openai: 'openai', anthropic: 'anthropic', groq: 'groq', google: 'gemini' } as const;
const hasKey = (kind: Kind) => KEYS[kind].some((name) => process.env[name]);

export type ProviderPlan = { kind: Kind; models: string[]; limits?: Limits; faults?: SimFaults };

/** The default four: cheap Groq models, OpenAI mini and flagship, Anthropic Haiku and Sonnet, Gemini Flash and Pro. */
export const DEFAULT_PLAN: ProviderPlan[] = [
  { kind: 'groq', models: ['openai/gpt-oss-20b', 'openai/gpt-oss-120b'] },
  { kind: 'openai', models: ['gpt-5.4-mini', 'gpt-5.5'] },
  { kind: 'anthropic', models: ['claude-haiku-4-5', 'claude-sonnet-5'] },
  { kind: 'google', models: ['gemini-2.5-flash', 'gemini-2.5-pro'] },
];

/**
 * Live when SPILLWAY_LIVE=1 and at least one key is set (only providers with keys are used);
 * simulated otherwise. Faults apply to simulators only.
 */
export async function setup(plan: ProviderPlan[] = DEFAULT_PLAN): Promise<Setup> {
  const live = process.env.SPILLWAY_LIVE === '1' && plan.some((item) => hasKey(item.kind));
  if (live) {
    const providers = plan
      .filter((item) => hasKey(item.kind))
      .map((item) =>
        FACTORIES[item.kind]({ models: item.models, ...(item.limits ? { limits: item.limits } : {}) }),
      );
    return { providers, sims: {}, live, close: async () => {} };
  }
  const sims: Record<string, SimulatedProvider> = {};
  const providers: ProviderAdapter[] = [];
  for (const [index, item] of plan.entries()) {
    const sim = await startSimulatedProvider({
      protocol: PROTOCOLS[item.kind],
      seed: index + 1,
      ...(item.limits ? { limits: item.limits } : {}),
      ...(item.faults ? { faults: item.faults } : {}),
    });
    sims[item.kind] = sim;
    providers.push(
      FACTORIES[item.kind]({
        apiKey: sim.apiKey,
        baseURL: sim.baseURL,
        models: item.models,
        ...(item.limits ? { limits: item.limits } : {}),
      }),
    );
  }
  return {
    providers,
    sims,
    live,
    close: async () => {
      await Promise.all(Object.values(sims).map((sim) => sim.close()));
    },
  };
}
