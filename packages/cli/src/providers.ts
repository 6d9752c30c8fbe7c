import { anthropic } from '@spillway/anthropic';
import { type Clock, ConfigError, type ProviderAdapter } from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai, openaiCompatible } from '@spillway/openai';
import {
  type SimFaults,
  type SimLatency,
  type SimulatedProvider,
  startSimulatedProvider,
} from '@spillway/testing';
import type { CliConfig, ProviderConfig } from './config.js';

const KEY_VARIABLES: Record<string, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  groq: 'GROQ_API_KEY',
};

/** The providers used by `demo` and `batch --simulate` when no config is given: tight limits, cheap and strong models. */
export const SIMULATED_CONFIG: CliConfig = {
  providers: [
    {
      kind: 'openai',
      models: ['gpt-5.4-nano', 'gpt-5.4-mini', 'gpt-5.4', 'gpt-5.5'],
      limits: { rpm: 60, tpm: 40_000 },
    },
    {
      kind: 'anthropic',
      models: ['claude-haiku-4-5', 'claude-sonnet-5'],
      limits: { rpm: 50, inputTpm: 30_000, outputTpm: 8_000 },
    },
    {
      kind: 'groq',
      models: ['openai/gpt-oss-20b', 'openai/gpt-oss-120b'],
      limits: { rpm: 30, tpm: 12_000 },
    },
  ],
};

export type ProviderSet = {
  providers: ProviderAdapter[];
  /** The simulated servers, by provider name (empty for live providers). */
  sims: Map<string, SimulatedProvider>;
  close(): Promise<void>;
};

export type SimulateOptions = {
  seed?: number;
  faults?: SimFaults | ((name: string) => SimFaults | undefined);
  latency?: SimLatency;
  /** Shared with the router so the simulators' minute windows run at the same (scaled) pace. */
  clock?: Clock;
};

/** Builds adapters that call the real services, with keys from the environment. */
export function liveProviders(configs: readonly ProviderConfig[], env = process.env): ProviderSet {
  const providers = configs.map((config, index) => {
    const variable = config.apiKeyEnv ?? KEY_VARIABLES[config.kind];
    const apiKey = variable ? env[variable] : undefined;
    if (variable && !apiKey && config.kind !== 'openai-compatible')
      throw new ConfigError(
        `providers[${index}]: environment variable ${variable} is not set (use --simulate to run without keys)`,
        { field: `providers[${index}].apiKeyEnv` },
      );
    return adapter(config, apiKey, config.baseURL);
  });
  return { providers, sims: new Map(), close: async () => {} };
}

/** Starts one simulated server per provider (its protocol, its limits) and points an adapter at each. */
export async function simulatedProviders(
  configs: readonly ProviderConfig[],
  options: SimulateOptions = {},
): Promise<ProviderSet> {
  const sims = new Map<string, SimulatedProvider>();
  const providers: ProviderAdapter[] = [];
  try {
    for (const [index, config] of configs.entries()) {
      const name = config.name ?? config.kind;
      const faults = typeof options.faults === 'function' ? options.faults(name) : options.faults;
      const clock = options.clock;
      const sim = await startSimulatedProvider({
        protocol: config.kind === 'openai-compatible' ? 'openai' : config.kind,
        limits: { ...config.limits },
        ...(faults ? { faults } : {}),
        ...(options.latency ? { latency: options.latency } : {}),
        seed: (options.seed ?? 1) + index,
        ...(clock ? { now: () => clock.now() } : {}),
      });
      sims.set(name, sim);
      providers.push(adapter(config, sim.apiKey, sim.baseURL));
    }
  } catch (error) {
    await Promise.all([...sims.values()].map((sim) => sim.close()));
    throw error;
  }
  return {
    providers,
    sims,
    close: async () => {
      await Promise.all([...sims.values()].map((sim) => sim.close()));
    },
  };
}

function adapter(
  config: ProviderConfig,
  apiKey: string | undefined,
  baseURL: string | undefined,
): ProviderAdapter {
  const common = {
    ...(config.name ? { name: config.name } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(baseURL ? { baseURL } : {}),
    ...(config.models ? { models: config.models } : {}),
    ...(config.limits ? { limits: config.limits } : {}),
  };
  switch (config.kind) {
    case 'openai':
      return openai(common);
    case 'anthropic':
      return anthropic(common);
    case 'groq':
      return groq(common);
    case 'openai-compatible':
      return openaiCompatible({
        ...common,
        name: config.name ?? 'openai-compatible',
        baseURL: baseURL ?? '',
        models: config.models ?? [],
      });
  }
}
