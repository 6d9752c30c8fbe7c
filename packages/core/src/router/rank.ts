import { ConfigError, type Exclusion } from '../errors.js';
import { costUsd } from '../pricing.js';
import type { ProviderAdapter } from '../spec.js';
import { estimatePromptTokens } from '../tokens/estimate-tokens.js';
import type { ChatRequest, ModelRef, ModelSpec } from '../types.js';
import type { RankCandidate, RankContext, RankFn, StrategyName } from './options.js';

/** One model of one provider, as the router offers it. `key` is `${provider}/${model}`. */
export type Offer = {
  key: string;
  provider: string;
  model: string;
  adapter: ProviderAdapter;
  spec: ModelSpec;
};
export type Candidate = Offer & { estimatedCostUsd: number };

export type RankInput = {
  offers: readonly Offer[];
  request: ChatRequest;
  strategy: StrategyName | RankFn;
  expectedOutputTokens: number;
  /** Why an offer cannot be used at all right now (provider disabled, model gone), or undefined. */
  unavailable(offer: Offer): string | undefined;
  latency(offer: Offer): number | undefined;
  /** router.stream(): models that say they cannot stream (`supports.streaming: false`) are left out. */
  stream?: boolean;
};

type Needs = { tools: boolean; vision: boolean; json: boolean; stream: boolean };
const FEATURES = ['tools', 'vision', 'json'] as const;

function hasImage(request: ChatRequest): boolean {
  for (const message of request.messages)
    if (Array.isArray(message.content))
      for (const part of message.content) if (part.type === 'image') return true;
  return false;
}

function needsOf(request: ChatRequest, stream: boolean): Needs {
  const vision = request.require?.vision === true || hasImage(request);
  const format = request.responseFormat?.type;
  return {
    tools: request.require?.tools === true || (request.tools?.length ?? 0) > 0,
    vision,
    json: request.require?.json === true || format === 'json' || format === 'json-schema',
    stream,
  };
}

export function matchesRef(offer: Offer, ref: ModelRef): boolean {
  return typeof ref === 'string'
    ? offer.model === ref
    : offer.provider === ref.provider && offer.model === ref.model;
}

// Why an offer is left out, as a code: the text is built only when someone reads `exclusions` (an
// error, a request-start listener). With a 500-model catalog most offers are excluded per request.
const CAPABILITY = 1;
const TOOLS = 2;
const VISION = 3;
const JSON_FORMAT = 4;
const STREAMING = 5;
const MIN_WINDOW = 6;
const WINDOW = 7;
const MAX_OUTPUT = 8;
const FEATURE_CODES = [TOOLS, VISION, JSON_FORMAT] as const;

function whyIneligible(offer: Offer, request: ChatRequest, needs: Needs, tokensNeeded: number): number {
  const { spec } = offer;
  if (request.minCapability !== undefined && spec.capability < request.minCapability) return CAPABILITY;
  for (let index = 0; index < FEATURES.length; index++)
    if (needs[FEATURES[index] as keyof Needs] && spec.supports?.[FEATURES[index] as 'tools'] !== true)
      return FEATURE_CODES[index] as number;
  if (needs.stream && spec.supports?.streaming === false) return STREAMING;
  const minWindow = request.require?.minContextWindow;
  if (minWindow !== undefined && spec.contextWindow < minWindow) return MIN_WINDOW;
  if (tokensNeeded > spec.contextWindow) return WINDOW;
  if (
    request.maxTokens !== undefined &&
    spec.maxOutputTokens !== undefined &&
    request.maxTokens > spec.maxOutputTokens
  )
    return MAX_OUTPUT;
  return 0;
}

function reasonText(code: number, spec: ModelSpec, request: ChatRequest, tokensNeeded: number): string {
  switch (code) {
    case CAPABILITY:
      return `capability ${spec.capability} is below minCapability ${request.minCapability}`;
    case TOOLS:
      return 'does not support tools';
    case VISION:
      return 'does not support vision';
    case JSON_FORMAT:
      return 'does not support json';
    case STREAMING:
      return 'does not support streaming';
    case MIN_WINDOW:
      return `context window ${spec.contextWindow} is below require.minContextWindow ${request.require?.minContextWindow}`;
    case WINDOW:
      return `context window ${spec.contextWindow} is smaller than the ${tokensNeeded} tokens this request needs (estimated prompt + maxTokens)`;
    default:
      return `maxTokens ${request.maxTokens} exceeds the model's maxOutputTokens ${spec.maxOutputTokens}`;
  }
}

const byLatency = (a: number | undefined, b: number | undefined) => (a ?? Infinity) - (b ?? Infinity) || 0;

/** `index`: the offer's position, the last tie-break, so a partial selection orders like a stable sort. */
type Ranked = RankCandidate & { group: number; index: number; offer: Offer };
const cost = (a: RankCandidate, b: RankCandidate) => a.estimatedCostUsd - b.estimatedCostUsd;
const capability = (a: RankCandidate, b: RankCandidate) => b.spec.capability - a.spec.capability;
const latency = (a: RankCandidate, b: RankCandidate) => byLatency(a.latencyMs, b.latencyMs);
// 'fastest' tries a model it has no latency for first: otherwise the first one measured would be the only.
const unmeasuredFirst = (a: RankCandidate, b: RankCandidate) =>
  (a.latencyMs === undefined ? 0 : 1) - (b.latencyMs === undefined ? 0 : 1);
// Built once, not per request: pinned groups first, then the strategy's order.
const COMPARATORS: Record<StrategyName, (a: Ranked, b: Ranked) => number> = {
  cheapest: (a, b) =>
    a.group - b.group || cost(a, b) || capability(a, b) || latency(a, b) || a.index - b.index,
  'most-capable': (a, b) =>
    a.group - b.group || capability(a, b) || cost(a, b) || latency(a, b) || a.index - b.index,
  fastest: (a, b) =>
    a.group - b.group ||
    unmeasuredFirst(a, b) ||
    latency(a, b) ||
    cost(a, b) ||
    capability(a, b) ||
    a.index - b.index,
};

// Candidates picked one at a time by selection (O(n) each) before the rest is sorted at once: most
// requests go to their first or second candidate, and a full sort of a 500-model catalog per request
// costs more than the rest of the routing decision.
const SELECTED_BEFORE_SORT = 2;

/**
 * A request's eligible candidates in the strategy's order, ordered lazily: `at(index)` orders only
 * as far as it is asked. `candidates` and `exclusions` build the whole lists (errors, events, tests).
 */
export class Ranking {
  readonly estimatedInputTokens: number;
  readonly expectedOutputTokens: number;
  /** How many candidates there are. */
  readonly count: number;
  readonly #items: Ranked[];
  readonly #compare: ((a: Ranked, b: Ranked) => number) | undefined;
  /** `#items[0, #ordered)` are in their final order. */
  #ordered: number;
  readonly #built: Candidate[] = [];
  readonly #excluded: Array<{ offer: Offer; code: number; reason?: string }>;
  readonly #request: ChatRequest;
  readonly #tokensNeeded: number;
  #exclusions: Exclusion[] | undefined;

  constructor(
    items: Ranked[],
    compare: ((a: Ranked, b: Ranked) => number) | undefined,
    excluded: Array<{ offer: Offer; code: number; reason?: string }>,
    request: ChatRequest,
    tokensNeeded: number,
    estimatedInputTokens: number,
    expectedOutputTokens: number,
  ) {
    this.#items = items;
    this.#compare = compare;
    this.#ordered = compare && items.length > 1 ? 0 : items.length;
    this.#excluded = excluded;
    this.#request = request;
    this.#tokensNeeded = tokensNeeded;
    this.estimatedInputTokens = estimatedInputTokens;
    this.expectedOutputTokens = expectedOutputTokens;
    this.count = items.length;
  }

  /** The candidate at `index` in rank order, or undefined past the end. */
  at(index: number): Candidate | undefined {
    if (index >= this.count) return undefined;
    const built = this.#built[index];
    if (built !== undefined) return built;
    if (index >= this.#ordered) this.#orderThrough(index);
    const item = this.#items[index] as Ranked;
    const offer = item.offer;
    // Built field by field: object spread costs about a microsecond per object on Node 20.
    const candidate: Candidate = {
      key: offer.key,
      provider: offer.provider,
      model: offer.model,
      adapter: offer.adapter,
      spec: offer.spec,
      estimatedCostUsd: item.estimatedCostUsd,
    };
    this.#built[index] = candidate;
    return candidate;
  }

  /** Every candidate, in rank order. */
  get candidates(): Candidate[] {
    const all: Candidate[] = [];
    for (let index = 0; index < this.count; index++) all.push(this.at(index) as Candidate);
    return all;
  }

  /** Every offer left out, in offer order (then those a custom strategy left out), and why. */
  get exclusions(): Exclusion[] {
    if (this.#exclusions === undefined) {
      this.#exclusions = [];
      for (const { offer, code, reason } of this.#excluded)
        this.#exclusions.push({
          provider: offer.provider,
          model: offer.model,
          reason: reason ?? reasonText(code, offer.spec, this.#request, this.#tokensNeeded),
        });
    }
    return this.#exclusions;
  }

  #orderThrough(index: number): void {
    const items = this.#items;
    const compare = this.#compare as (a: Ranked, b: Ranked) => number;
    while (this.#ordered <= index) {
      const from = this.#ordered;
      if (from >= SELECTED_BEFORE_SORT) {
        const rest = items.slice(from).sort(compare);
        for (let offset = 0; offset < rest.length; offset++) items[from + offset] = rest[offset] as Ranked;
        this.#ordered = items.length;
        return;
      }
      let best = from;
      for (let scan = from + 1; scan < items.length; scan++)
        if (compare(items[scan] as Ranked, items[best] as Ranked) < 0) best = scan;
      const chosen = items[best] as Ranked;
      items[best] = items[from] as Ranked;
      items[from] = chosen;
      this.#ordered = from + 1;
    }
  }
}

/**
 * One scoring pass: filters every offered model, prices this request on each eligible one and
 * orders them by the strategy. Returns the order and, for every model left out, why.
 */
export function rank(input: RankInput): Ranking {
  const { request } = input;
  const estimatedInputTokens = estimatePromptTokens(request.messages, request.tools);
  const expectedOutputTokens = request.maxTokens ?? input.expectedOutputTokens;
  const tokensNeeded = estimatedInputTokens + (request.maxTokens ?? 0);
  const needs = needsOf(request, input.stream === true);
  const excluded: Array<{ offer: Offer; code: number; reason?: string }> = [];

  // Pinned refs make groups tried in the given order; unpinned, all offers form one group.
  const refs =
    request.model === undefined ? undefined : Array.isArray(request.model) ? request.model : [request.model];

  const eligible: Ranked[] = [];
  const { offers } = input;
  for (let index = 0; index < offers.length; index++) {
    const offer = offers[index] as Offer;
    const group = refs ? groupOf(offer, refs) : 0;
    if (group < 0) {
      excluded.push({ offer, code: 0, reason: 'not named in request.model' });
      continue;
    }
    const unavailable = input.unavailable(offer);
    if (unavailable !== undefined) {
      excluded.push({ offer, code: 0, reason: unavailable });
      continue;
    }
    const code = whyIneligible(offer, request, needs, tokensNeeded);
    if (code !== 0) {
      excluded.push({ offer, code });
      continue;
    }
    const estimatedCostUsd = costUsd(offer.spec, estimatedInputTokens, expectedOutputTokens);
    eligible.push({
      provider: offer.provider,
      model: offer.model,
      spec: offer.spec,
      estimatedCostUsd,
      latencyMs: input.latency(offer),
      offer,
      group,
      index,
    });
  }

  let ordered = eligible;
  let compare: ((a: Ranked, b: Ranked) => number) | undefined;
  if (typeof input.strategy === 'function') {
    const context: RankContext = { request, estimatedInputTokens, expectedOutputTokens };
    ordered = customOrder(input.strategy, eligible, context, excluded);
  } else compare = COMPARATORS[input.strategy];
  return new Ranking(
    ordered,
    compare,
    excluded,
    request,
    tokensNeeded,
    estimatedInputTokens,
    expectedOutputTokens,
  );
}

function groupOf(offer: Offer, refs: readonly ModelRef[]): number {
  for (let index = 0; index < refs.length; index++)
    if (matchesRef(offer, refs[index] as ModelRef)) return index;
  return -1;
}

function customOrder(
  rankFn: RankFn,
  eligible: Ranked[],
  context: RankContext,
  excluded: Array<{ offer: Offer; code: number; reason?: string }>,
): Ranked[] {
  let result: readonly RankCandidate[];
  try {
    result = rankFn(
      eligible.map(({ offer: _offer, group: _group, index: _index, ...rest }: Ranked) => rest),
      context,
    );
  } catch (error) {
    throw new ConfigError(
      `strategy (a custom RankFn) threw: ${error instanceof Error ? error.message : String(error)}`,
      {
        field: 'strategy',
        cause: error,
      },
    );
  }
  if (!Array.isArray(result))
    throw new ConfigError(
      `strategy (a custom RankFn) must return an array of candidates, got ${typeof result}`,
      {
        field: 'strategy',
      },
    );
  const picked: Ranked[] = [];
  const seen = new Set<Offer>();
  const byKey = new Map<string, Ranked>();
  for (const entry of eligible) byKey.set(`${entry.provider}/${entry.model}`, entry);
  for (const item of result) {
    const match = byKey.get(`${item?.provider}/${item?.model}`);
    if (match && !seen.has(match.offer)) {
      seen.add(match.offer);
      picked.push(match);
    }
  }
  for (const entry of eligible)
    if (!seen.has(entry.offer))
      excluded.push({ offer: entry.offer, code: 0, reason: 'left out by the custom strategy' });
  return picked;
}
