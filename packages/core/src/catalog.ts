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

// Prices: @pydantic/genai-prices 0.1.8 (2026-09-23), which cites each provider's pricing page; the
// catalog test checks every entry against the version in the lockfile (docs/decisions/1600), below and
// above each long-context threshold (272k prompt tokens for OpenAI's tiered models, 200k for Gemini
// Pro), past which the whole request is billed at the `longContext` prices.
const PRICES = '@pydantic/genai-prices 0.1.8';
const OPENAI_SOURCE = `${PRICES}, citing developers.openai.com model pages and changelog; context from gpt-tokenizer 4.0.0`;
// Anthropic: cache writes at the 5-minute TTL price (1.25x input) and, with the adapter's
// `promptCaching: { ttl: '1h' }`, at the 1-hour price (2x input, from the prompt-caching page: the price
// list has no field for it); cache reads at 0.1x, except Fable 5.1 (0.025x) and Opus 5.5 (0.05x).
const ANTHROPIC_SOURCE = `${PRICES}, citing platform.claude.com pricing and prompt-caching pages`;
// Groq caches prompts of the gpt-oss models only (cached tokens at half price); no write charge.
const GROQ_SOURCE = `${PRICES}, citing Groq's pricing; qwen3.6-27b (not in it) as reported by 2026-08 third-party notes`;
// Implicit caching: cached input at the context-caching price, no write charge (explicit caches also
// bill storage per hour, which a request's cost cannot include); thinking tokens are billed as output.
const GEMINI_SOURCE = `${PRICES}, citing ai.google.dev/gemini-api/docs/pricing`;

/**
 * Prompt lengths past which the tiered models bill the whole request at their long-context prices:
 * OpenAI from 272,000 tokens on (so above 271,999), Gemini Pro above 200,000.
 */
const OPENAI_LONG = 271_999;
const GEMINI_LONG = 200_000;
const OPENAI_CONTEXT = { contextWindow: 1_050_000, maxOutputTokens: 128_000 };
const OPENAI_MINI = { contextWindow: 400_000, maxOutputTokens: 128_000 };
const CLAUDE = { contextWindow: 1_000_000, maxOutputTokens: 128_000 };
const GROQ = { contextWindow: 131_072, maxOutputTokens: 65_536 };
const GEMINI = { contextWindow: 1_048_576, maxOutputTokens: 65_536 };

/** USD per million tokens: input, output, cache read, cache write, and 1-hour cache writes if priced apart. */
type PriceList = [
  input: number,
  output: number,
  cachedInput: number,
  cacheWrite: number,
  cacheWrite1h?: number,
];

/** Anthropic's prices: a 1-hour cache write costs twice the input price. */
function claude(input: number, output: number, cachedInput: number, cacheWrite: number): PriceList {
  return [input, output, cachedInput, cacheWrite, input * 2];
}

/** A price list that changes past a prompt length: the standard prices, then the long-context ones. */
function tiered(standard: PriceList, aboveInputTokens: number, long: PriceList): TieredPrices {
  return { standard, aboveInputTokens, long };
}
type TieredPrices = { standard: PriceList; aboveInputTokens: number; long: PriceList };

const entries: CatalogEntry[] = [
  // OpenAI (GPT-5.6 cache writes cost 1.25x input; earlier models charge none)
  entry(
    'openai',
    'gpt-5.6-sol',
    10,
    tiered([4, 20, 0.4, 5], OPENAI_LONG, [8, 30, 0.8, 10]),
    OPENAI_CONTEXT,
    all,
    '2026-08-21',
    OPENAI_SOURCE,
  ),
  entry(
    'openai',
    'gpt-5.6-terra',
    8,
    tiered([2, 12, 0.2, 2.5], OPENAI_LONG, [4, 18, 0.4, 5]),
    OPENAI_CONTEXT,
    all,
    '2026-07-30',
    OPENAI_SOURCE,
  ),
  entry(
    'openai',
    'gpt-5.6-luna',
    6,
    tiered([0.2, 1.2, 0.02, 0.25], OPENAI_LONG, [0.4, 1.8, 0.04, 0.5]),
    OPENAI_CONTEXT,
    all,
    '2026-07-30',
    OPENAI_SOURCE,
  ),
  entry(
    'openai',
    'gpt-5.5',
    9,
    tiered([5, 30, 0.5, 5], OPENAI_LONG, [10, 45, 1, 10]),
    OPENAI_CONTEXT,
    all,
    '2026-09-23',
    OPENAI_SOURCE,
  ),
  entry(
    'openai',
    'gpt-5.4',
    8,
    tiered([2.5, 15, 0.25, 2.5], OPENAI_LONG, [5, 22.5, 0.5, 5]),
    OPENAI_CONTEXT,
    all,
    '2026-09-23',
    OPENAI_SOURCE,
  ),
  entry('openai', 'gpt-5.4-mini', 6, [0.75, 4.5, 0.075, 0.75], OPENAI_MINI, all, '2026-09-23', OPENAI_SOURCE),
  entry('openai', 'gpt-5.4-nano', 4, [0.2, 1.25, 0.02, 0.2], OPENAI_MINI, all, '2026-09-23', OPENAI_SOURCE),
  // Anthropic
  entry(
    'anthropic',
    'claude-fable-5-1',
    10,
    claude(10, 50, 0.25, 12.5),
    CLAUDE,
    all,
    '2026-09-23',
    ANTHROPIC_SOURCE,
  ),
  entry(
    'anthropic',
    'claude-opus-5-5',
    9,
    claude(4, 20, 0.2, 5),
    CLAUDE,
    all,
    '2026-09-23',
    ANTHROPIC_SOURCE,
  ),
  entry(
    'anthropic',
    'claude-sonnet-5',
    8,
    claude(2, 10, 0.2, 2.5),
    CLAUDE,
    all,
    '2026-09-23',
    ANTHROPIC_SOURCE,
  ),
  entry(
    'anthropic',
    'claude-opus-4-8',
    8,
    claude(5, 25, 0.5, 6.25),
    CLAUDE,
    all,
    '2026-09-23',
    ANTHROPIC_SOURCE,
  ),
  entry(
    'anthropic',
    'claude-sonnet-4-6',
    7,
    claude(3, 15, 0.3, 3.75),
    CLAUDE,
    all,
    '2026-09-23',
    ANTHROPIC_SOURCE,
  ),
  entry(
    'anthropic',
    'claude-haiku-4-5',
    5,
    claude(1, 5, 0.1, 1.25),
    { contextWindow: 200_000, maxOutputTokens: 64_000 },
    all,
    '2026-09-23',
    ANTHROPIC_SOURCE,
  ),
  // Groq (llama-3.x models were reported deprecated on 2026-08-16 and are left out)
  entry(
    'groq',
    'openai/gpt-oss-120b',
    6,
    [0.15, 0.6, 0.075, 0.15],
    GROQ,
    textOnly,
    '2026-09-23',
    GROQ_SOURCE,
  ),
  entry(
    'groq',
    'openai/gpt-oss-20b',
    4,
    [0.075, 0.3, 0.0375, 0.075],
    GROQ,
    textOnly,
    '2026-09-23',
    GROQ_SOURCE,
  ),
  // Not cached by Groq: a cache token would cost what an input token does.
  entry(
    'groq',
    'qwen/qwen3.6-27b',
    5,
    [0.6, 3, 0.6, 0.6],
    { contextWindow: 131_072, maxOutputTokens: 32_768 },
    textOnly,
    '2026-08-04',
    GROQ_SOURCE,
  ),
  // Google Gemini (the Gemini API; 1,048,576-token windows, 65,536 output tokens)
  entry(
    'google',
    'gemini-3.1-pro-preview',
    9,
    tiered([2, 12, 0.2, 2], GEMINI_LONG, [4, 18, 0.4, 4]),
    GEMINI,
    all,
    '2026-09-23',
    GEMINI_SOURCE,
  ),
  entry('google', 'gemini-3-flash-preview', 7, [0.5, 3, 0.05, 0.5], GEMINI, all, '2026-09-23', GEMINI_SOURCE),
  entry(
    'google',
    'gemini-2.5-pro',
    8,
    tiered([1.25, 10, 0.125, 1.25], GEMINI_LONG, [2.5, 15, 0.25, 2.5]),
    GEMINI,
    all,
    '2026-09-23',
    GEMINI_SOURCE,
  ),
  entry('google', 'gemini-2.5-flash', 6, [0.3, 2.5, 0.03, 0.3], GEMINI, all, '2026-09-23', GEMINI_SOURCE),
  entry(
    'google',
    'gemini-2.5-flash-lite',
    4,
    [0.1, 0.4, 0.01, 0.1],
    GEMINI,
    all,
    '2026-09-23',
    GEMINI_SOURCE,
  ),
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

function entry(
  kind: CatalogEntry['kind'],
  id: string,
  capability: number,
  prices: PriceList | TieredPrices,
  window: { contextWindow: number; maxOutputTokens: number },
  supports: ModelSpec['supports'],
  priceAsOf: string,
  source: string,
): CatalogEntry {
  const standard = perMTok(Array.isArray(prices) ? prices : prices.standard);
  return {
    kind,
    spec: {
      id,
      capability,
      ...standard,
      ...(Array.isArray(prices)
        ? {}
        : { longContext: { aboveInputTokens: prices.aboveInputTokens, ...perMTok(prices.long) } }),
      ...window,
      supports: { ...supports },
    },
    priceAsOf,
    source,
  };
}

/** A price list as the spec fields it fills (a spec's own, or its long-context tier's). */
function perMTok([
  inputUsdPerMTok,
  outputUsdPerMTok,
  cachedInputUsdPerMTok,
  cacheWriteUsdPerMTok,
  cacheWrite1hUsdPerMTok,
]: PriceList) {
  const prices = { inputUsdPerMTok, outputUsdPerMTok, cachedInputUsdPerMTok, cacheWriteUsdPerMTok };
  return cacheWrite1hUsdPerMTok === undefined ? prices : { ...prices, cacheWrite1hUsdPerMTok };
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
