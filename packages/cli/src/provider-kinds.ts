import { anthropic } from '@spillway/anthropic';
import type { Limits, ModelSpec, ProviderAdapter } from '@spillway/core';
import { google } from '@spillway/google';
import { groq } from '@spillway/groq';
import { openai, openaiCompatible } from '@spillway/openai';
import type { SimProtocol, Wire } from '@spillway/testing';

/** What the CLI hands an adapter factory, from a config entry. */
export type ProviderFactoryOptions = {
  name?: string;
  apiKey?: string;
  baseURL?: string;
  models?: Array<string | (Partial<ModelSpec> & { id: string })>;
  limits?: Limits;
  /** Only for kinds with `promptCaching: true` (the Anthropic adapter's option of that name). */
  promptCaching?: PromptCaching;
};

/** The Anthropic adapter's prompt-cache option, as a config file spells it. */
export type PromptCaching = boolean | { ttl: '5m' | '1h' };

/** How the CLI builds, keys and simulates one provider kind. */
export type ProviderKindEntry = {
  create(options: ProviderFactoryOptions): ProviderAdapter;
  /** Environment variables holding the key, in the order they are read. */
  keyVariables: readonly string[];
  /** The simulator's protocol for `--simulate` and the demo. */
  protocol: SimProtocol | Wire;
  /** The config must give `baseURL` and `models` (a generic endpoint with no catalog). */
  requiresEndpoint?: boolean;
  /** The adapter takes `promptCaching` (config entries of other kinds may not set it). */
  promptCaching?: boolean;
};

const kinds = new Map<string, ProviderKindEntry>();

/** Makes `kind` usable in config files, `--live` and `--simulate`; a known kind is replaced. */
export function registerProviderKind(kind: string, entry: ProviderKindEntry): void {
  kinds.set(kind, entry);
}

export function providerKind(kind: string): ProviderKindEntry | undefined {
  return kinds.get(kind);
}

export function providerKindNames(): string[] {
  return [...kinds.keys()];
}

registerProviderKind('openai', { create: openai, keyVariables: ['OPENAI_API_KEY'], protocol: 'openai' });
registerProviderKind('anthropic', {
  create: anthropic,
  keyVariables: ['ANTHROPIC_API_KEY'],
  protocol: 'anthropic',
  promptCaching: true,
});
registerProviderKind('groq', { create: groq, keyVariables: ['GROQ_API_KEY'], protocol: 'groq' });
registerProviderKind('google', {
  create: google,
  keyVariables: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'],
  protocol: 'gemini',
});
registerProviderKind('openai-compatible', {
  create: (options) =>
    openaiCompatible({
      ...options,
      name: options.name ?? 'openai-compatible',
      baseURL: options.baseURL ?? '',
      models: options.models ?? [],
    }),
  keyVariables: [],
  protocol: 'openai',
  requiresEndpoint: true,
});
