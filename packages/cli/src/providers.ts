import { type Clock, ConfigError, type ProviderAdapter } from '@spillway/core';
import {
  type SimFaults,
  type SimLatency,
  type SimulatedProvider,
  startSimulatedProvider,
} from '@spillway/testing';
import type { CliConfig, ProviderConfig } from './config.js';
import { type ProviderKindEntry, providerKind } from './provider-kinds.js';

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
    {
      kind: 'google',
      models: ['gemini-2.5-flash-lite', 'gemini-2.5-flash', 'gemini-2.5-pro'],
      limits: { rpm: 40, inputTpm: 25_000 },
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
    const variables = config.apiKeyEnv ? [config.apiKeyEnv] : kindOf(config).keyVariables;
    const apiKey = variables.map((variable) => env[variable]).find(Boolean);
    if (variables.length > 0 && !apiKey && !kindOf(config).requiresEndpoint)
      throw new ConfigError(
        `providers[${index}]: environment variable ${variables.join(' or ')} is not set (use --simulate to run without keys)`,
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
        protocol: kindOf(config).protocol,
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

function kindOf(config: ProviderConfig): ProviderKindEntry {
  const entry = providerKind(config.kind);
  if (!entry) throw new ConfigError(`unknown provider kind "${config.kind}"`, { field: 'kind' });
  return entry;
}

function adapter(
  config: ProviderConfig,
  apiKey: string | undefined,
  baseURL: string | undefined,
): ProviderAdapter {
  return kindOf(config).create({
    ...(config.name ? { name: config.name } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(baseURL ? { baseURL } : {}),
    ...(config.models ? { models: config.models } : {}),
    ...(config.limits ? { limits: config.limits } : {}),
    ...(config.promptCaching !== undefined ? { promptCaching: config.promptCaching } : {}),
  });
}
