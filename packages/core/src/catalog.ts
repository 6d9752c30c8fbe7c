import { ConfigError } from './errors.js';
import type { ModelSpec } from './types.js';

/**
 * Built-in models. Prices are USD per million tokens as reported on the date given; `source` says
 * where. Capability is our own 1..10 ranking score (relative within this catalog, not a benchmark).
 * Verify prices before billing-grade use; a provider's `models` option overrides any entry.
 */
export type CatalogEntry = {
  /** The provider kind offering it: 'openai', 'anthropic', 'groq', 'google', or one an adapter registered. */
  kind: string;
  spec: ModelSpec;
  priceAsOf: string;
  source: string;
};

const all = { tools: true, vision: true, json: true, streaming: true } as const;
const textOnly = { tools: true, vision: false, json: true, streaming: true } as const;

const OPENAI_SOURCE =
  'OpenAI pricing page as reported by tokenmix.ai (2026-06-04); context from gpt-tokenizer 4.0.0';
const OPENAI_56_SOURCE = 'OpenAI GPT-5.6 announcement as reported by bytechat.io and benchr.org (2026-06)';
const ANTHROPIC_SOURCE = 'platform.claude.com pricing as cited by an Anthropic study guide (2026-09)';
const GROQ_SOURCE = 'Groq pricing as reported by tokenmix.ai (2026-06-04) and 2026-08 third-party notes';
// Paid tier, prompts up to 200k tokens (2.5 Pro and 3.1 Pro charge more above), cached input at the
// context-caching price; thinking tokens are billed as output.
const GEMINI_SOURCE =
  'ai.google.dev/gemini-api/docs/pricing as quoted by factquire.com (2026-07) and cloudprice.net; 2.5 prices as reported by jangwook.net and hivebook.wiki (2026-05)';

const entries: CatalogEntry[] = [
  // OpenAI
  entry('openai', 'gpt-5.6-sol', 10, 5, 30, 1_050_000, 128_000, all, '2026-06', OPENAI_56_SOURCE),
  entry('openai', 'gpt-5.6-terra', 8, 2.5, 15, 1_050_000, 128_000, all, '2026-06', OPENAI_56_SOURCE),
  entry('openai', 'gpt-5.6-luna', 6, 1, 6, 1_050_000, 128_000, all, '2026-06', OPENAI_56_SOURCE),
  entry('openai', 'gpt-5.5', 9, 5, 30, 1_050_000, 128_000, all, '2026-06-04', OPENAI_SOURCE),
  entry('openai', 'gpt-5.4', 8, 2.5, 15, 1_050_000, 128_000, all, '2026-06-04', OPENAI_SOURCE),
  entry('openai', 'gpt-5.4-mini', 6, 0.75, 4.5, 400_000, 128_000, all, '2026-06-04', OPENAI_SOURCE),
  entry('openai', 'gpt-5.4-nano', 4, 0.2, 1.25, 400_000, 128_000, all, '2026-06-04', OPENAI_SOURCE),
  // Anthropic
  entry('anthropic', 'claude-fable-5-1', 10, 10, 50, 1_000_000, 128_000, all, '2026-09', ANTHROPIC_SOURCE),
  entry('anthropic', 'claude-opus-5-5', 9, 4, 20, 1_000_000, 128_000, all, '2026-09', ANTHROPIC_SOURCE),
  entry('anthropic', 'claude-sonnet-5', 8, 2, 10, 1_000_000, 128_000, all, '2026-09', ANTHROPIC_SOURCE),
  entry('anthropic', 'claude-opus-4-8', 8, 5, 25, 1_000_000, 128_000, all, '2026-09', ANTHROPIC_SOURCE),
  entry('anthropic', 'claude-sonnet-4-6', 7, 3, 15, 1_000_000, 128_000, all, '2026-09', ANTHROPIC_SOURCE),
  entry('anthropic', 'claude-haiku-4-5', 5, 1, 5, 200_000, 64_000, all, '2026-09', ANTHROPIC_SOURCE),
  // Groq (llama-3.x models were reported deprecated on 2026-08-16 and are left out)
  entry('groq', 'openai/gpt-oss-120b', 6, 0.15, 0.6, 131_072, 65_536, textOnly, '2026-06-04', GROQ_SOURCE),
  entry('groq', 'openai/gpt-oss-20b', 4, 0.075, 0.3, 131_072, 65_536, textOnly, '2026-06-04', GROQ_SOURCE),
  entry('groq', 'qwen/qwen3.6-27b', 5, 0.6, 3, 131_072, 32_768, textOnly, '2026-08-04', GROQ_SOURCE),
  // Google Gemini (the Gemini API; 1,048,576-token windows, 65,536 output tokens)
  gemini('gemini-3.1-pro-preview', 9, 2, 12, 0.2),
  gemini('gemini-3-flash-preview', 7, 0.5, 3, 0.05),
  gemini('gemini-2.5-pro', 8, 1.25, 10, 0.125),
  gemini('gemini-2.5-flash', 6, 0.3, 2.5, 0.03),
  gemini('gemini-2.5-flash-lite', 4, 0.1, 0.4, 0.01),
];

/** Every catalog entry, built in and registered. */
export const catalog: readonly CatalogEntry[] = entries;

/**
 * Adds models to the catalog, for an adapter package of a kind this one does not know. An entry
 * whose kind and id are already there replaces it.
 */
export function registerCatalogModels(added: readonly CatalogEntry[]): void {
  for (const item of added) {
    const index = entries.findIndex((known) => known.kind === item.kind && known.spec.id === item.spec.id);
    const copy = structuredClone(item);
    if (index >= 0) entries[index] = copy;
    else entries.push(copy);
  }
}

function gemini(
  id: string,
  capability: number,
  inputUsdPerMTok: number,
  outputUsdPerMTok: number,
  cachedInputUsdPerMTok: number,
): CatalogEntry {
  const item = entry(
    'google',
    id,
    capability,
    inputUsdPerMTok,
    outputUsdPerMTok,
    1_048_576,
    65_536,
    all,
    '2026-07',
    GEMINI_SOURCE,
  );
  item.spec.cachedInputUsdPerMTok = cachedInputUsdPerMTok;
  return item;
}

function entry(
  kind: CatalogEntry['kind'],
  id: string,
  capability: number,
  inputUsdPerMTok: number,
  outputUsdPerMTok: number,
  contextWindow: number,
  maxOutputTokens: number,
  supports: ModelSpec['supports'],
  priceAsOf: string,
  source: string,
): CatalogEntry {
  return {
    kind,
    spec: {
      id,
      capability,
      inputUsdPerMTok,
      outputUsdPerMTok,
      contextWindow,
      maxOutputTokens,
      supports: { ...supports },
    },
    priceAsOf,
    source,
  };
}

/** The catalog's models of one provider kind (fresh copies, safe to modify). */
export function catalogModels(kind: string): ModelSpec[] {
  return catalog.filter((item) => item.kind === kind).map((item) => structuredClone(item.spec));
}

/** The catalog's spec for a model id, if it has one. */
export function findCatalogModel(id: string): ModelSpec | undefined {
  const found = catalog.find((item) => item.spec.id === id);
  return found ? structuredClone(found.spec) : undefined;
}

/**
 * Resolves a provider's `models` option: omitted → every catalog model of `kind`; a string → the
 * catalog's spec for that id; an object → that spec, over the catalog's if any. Throws ConfigError
 * naming the entry when the option is not a list of ids and specs, or names an id the catalog lacks.
 */
export function resolveModels(
  kind: string,
  models: ReadonlyArray<string | (Partial<ModelSpec> & { id: string })> | undefined,
): ModelSpec[] {
  if (models === undefined) {
    return catalogModels(kind);
  }
  if (!Array.isArray(models))
    throw new ConfigError(`${kind}: models must be an array of model ids or specs, got ${typeof models}`, {
      field: 'models',
    });
  return models.map((item: unknown, index) => {
    const field = `models[${index}]`;
    if (typeof item === 'string') {
      const known = findCatalogModel(item);
      if (!known)
        throw new ConfigError(
          `${kind}: ${field}: unknown model "${item}"; pass a full ModelSpec object for models not in the catalog`,
          { field },
        );
      return known;
    }
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new ConfigError(
        `${kind}: ${field} must be a model id or a ModelSpec object, got ${item === null ? 'null' : typeof item}`,
        {
          field,
        },
      );
    const { id } = item as { id?: unknown };
    if (typeof id !== 'string' || id === '')
      throw new ConfigError(`${kind}: ${field}.id must be a non-empty string`, { field: `${field}.id` });
    const base = findCatalogModel(id);
    return { ...base, ...item } as ModelSpec;
  });
}
