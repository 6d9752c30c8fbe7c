import { describe, expect, it } from 'vitest';
import { NoEligibleModelError } from '../errors.js';
import { usageCostUsd } from '../pricing.js';
import type { ChatRequest, ModelSpec } from '../types.js';
import type { RankFn } from './options.js';
import { type Offer, rank } from './rank.js';

const spec = (id: string, fields: Partial<ModelSpec> = {}): ModelSpec => ({
  id,
  capability: 5,
  inputUsdPerMTok: 1,
  outputUsdPerMTok: 2,
  contextWindow: 100_000,
  supports: { tools: true, vision: true, json: true, streaming: true },
  ...fields,
});

const offer = (provider: string, model: ModelSpec): Offer => ({
  key: `${provider}/${model.id}`,
  provider,
  model: model.id,
  adapter: {} as Offer['adapter'],
  spec: model,
});

const say: ChatRequest = { messages: [{ role: 'user', content: 'hello there' }] };

function order(
  offers: Offer[],
  request: ChatRequest = say,
  strategy: Parameters<typeof rank>[0]['strategy'] = 'cheapest',
  latency: Record<string, number> = {},
) {
  const ranking = rank({
    offers,
    request,
    strategy,
    expectedOutputTokens: 512,
    unavailable: () => undefined,
    latency: (item) => latency[item.key],
  });
  return { keys: ranking.candidates.map((item) => item.key), ranking };
}

describe('rank', () => {
  const cheap = offer('a', spec('cheap', { inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.4, capability: 3 }));
  const mid = offer('a', spec('mid', { inputUsdPerMTok: 1, outputUsdPerMTok: 4, capability: 6 }));
  const top = offer('b', spec('top', { inputUsdPerMTok: 5, outputUsdPerMTok: 25, capability: 9 }));

  it("'cheapest' orders by the estimated cost of this request", () => {
    expect(order([top, mid, cheap]).keys).toEqual(['a/cheap', 'a/mid', 'b/top']);
    const { ranking } = order([cheap]);
    const expected = (ranking.estimatedInputTokens * 0.1 + 512 * 0.4) / 1e6;
    expect(ranking.candidates[0]?.estimatedCostUsd).toBeCloseTo(expected, 15);
  });

  it('estimates with the price function that bills results, so the estimate is an invoice for that usage', () => {
    const { ranking } = order([mid, top]);
    for (const candidate of ranking.candidates)
      expect(candidate.estimatedCostUsd).toBe(
        usageCostUsd(candidate.spec, {
          inputTokens: ranking.estimatedInputTokens,
          outputTokens: 512,
          totalTokens: ranking.estimatedInputTokens + 512,
        }),
      );
  });

  it("'cheapest' weighs output price by maxTokens: cheap input loses on a long answer", () => {
    const cheapIn = offer('a', spec('cheap-in', { inputUsdPerMTok: 0.1, outputUsdPerMTok: 10 }));
    const cheapOut = offer('a', spec('cheap-out', { inputUsdPerMTok: 3, outputUsdPerMTok: 1 }));
    expect(order([cheapIn, cheapOut], { ...say, maxTokens: 4000 }).keys).toEqual([
      'a/cheap-out',
      'a/cheap-in',
    ]);
    const longPrompt: ChatRequest = {
      messages: [{ role: 'user', content: 'x'.repeat(200_000) }],
      maxTokens: 1,
    };
    expect(order([cheapIn, cheapOut], longPrompt).keys).toEqual(['a/cheap-in', 'a/cheap-out']);
  });

  it("'cheapest' prices a long prompt at the long-context prices of a tiered model", () => {
    const tiered = offer(
      'a',
      spec('tiered', {
        inputUsdPerMTok: 1,
        outputUsdPerMTok: 2,
        contextWindow: 1_000_000,
        longContext: { aboveInputTokens: 100_000, inputUsdPerMTok: 3, outputUsdPerMTok: 4 },
      }),
    );
    const flat = offer(
      'b',
      spec('flat', { inputUsdPerMTok: 2, outputUsdPerMTok: 3, contextWindow: 1_000_000 }),
    );
    expect(order([flat, tiered]).keys).toEqual(['a/tiered', 'b/flat']);
    const longPrompt: ChatRequest = { messages: [{ role: 'user', content: 'word '.repeat(150_000) }] };
    const { keys, ranking } = order([flat, tiered], longPrompt);
    expect(ranking.estimatedInputTokens).toBeGreaterThan(100_000);
    expect(keys).toEqual(['b/flat', 'a/tiered']);
    expect(ranking.candidates[1]?.estimatedCostUsd).toBeCloseTo(
      (ranking.estimatedInputTokens * 3 + 512 * 4) / 1e6,
      15,
    );
  });

  it("'cheapest' ties go to higher capability, then lower latency", () => {
    const x = offer('a', spec('x', { capability: 4 }));
    const y = offer('b', spec('y', { capability: 7 }));
    const z = offer('c', spec('z', { capability: 7 }));
    expect(order([x, y, z], say, 'cheapest', { 'b/y': 900, 'c/z': 200 }).keys).toEqual(['c/z', 'b/y', 'a/x']);
  });

  it("'most-capable' orders by capability, ties by cost", () => {
    const twin = offer('c', spec('twin', { capability: 9, inputUsdPerMTok: 1, outputUsdPerMTok: 1 }));
    expect(order([cheap, top, mid, twin], say, 'most-capable').keys).toEqual([
      'c/twin',
      'b/top',
      'a/mid',
      'a/cheap',
    ]);
  });

  it("'fastest' orders by observed latency, a model not measured yet first, ties by cost", () => {
    const latency = { 'b/top': 100, 'a/mid': 400 };
    expect(order([cheap, mid, top], say, 'fastest', latency).keys).toEqual(['a/cheap', 'b/top', 'a/mid']);
    expect(order([cheap, mid, top], say, 'fastest', { ...latency, 'a/cheap': 250 }).keys).toEqual([
      'b/top',
      'a/cheap',
      'a/mid',
    ]);
    expect(order([top, mid, cheap], say, 'fastest').keys).toEqual(['a/cheap', 'a/mid', 'b/top']);
  });

  it('a custom RankFn decides the order; models it leaves out are excluded', () => {
    const reverse: RankFn = (candidates) => [...candidates].reverse().slice(0, 2);
    const { keys, ranking } = order([cheap, mid, top], say, reverse);
    expect(keys).toEqual(['b/top', 'a/mid']);
    expect(ranking.exclusions).toEqual([
      { provider: 'a', model: 'cheap', reason: 'left out by the custom strategy' },
    ]);
  });

  it('filters by minCapability and require, and says why', () => {
    const noTools = offer('a', spec('plain', { supports: {} }));
    const small = offer('a', spec('small', { contextWindow: 8000 }));
    const { keys, ranking } = order([noTools, small, top], {
      ...say,
      minCapability: 5,
      require: { tools: true, minContextWindow: 16_000 },
    });
    expect(keys).toEqual(['b/top']);
    expect(ranking.exclusions).toEqual([
      { provider: 'a', model: 'plain', reason: 'does not support tools' },
      {
        provider: 'a',
        model: 'small',
        reason: 'context window 8000 is below require.minContextWindow 16000',
      },
    ]);
  });

  it('requires tools, vision and json automatically from the request', () => {
    const textOnly = offer('a', spec('text', { supports: { tools: false, vision: false, json: false } }));
    const full = offer('b', spec('full'));
    const tool = { name: 't', parameters: { type: 'object' } };
    const image: ChatRequest = {
      messages: [{ role: 'user', content: [{ type: 'image', url: 'https://x/y.png' }] }],
    };
    const reasons = (request: ChatRequest) =>
      order([textOnly, full], request).ranking.exclusions.map((e) => e.reason);
    expect(reasons({ ...say, tools: [tool] })).toEqual(['does not support tools']);
    expect(reasons(image)).toEqual(['does not support vision']);
    expect(reasons({ ...say, responseFormat: { type: 'json' } })).toEqual(['does not support json']);
    expect(reasons(say)).toEqual([]);
  });

  it('excludes models whose window cannot hold the prompt plus maxTokens, or whose output cap is lower', () => {
    const small = offer('a', spec('small', { contextWindow: 1000 }));
    const capped = offer('a', spec('capped', { maxOutputTokens: 500 }));
    const { keys, ranking } = order([small, capped, top], { ...say, maxTokens: 995 });
    expect(keys).toEqual(['b/top']);
    expect(ranking.exclusions[0]?.reason).toMatch(/^context window 1000 is smaller than the \d+ tokens/);
    expect(ranking.exclusions[1]?.reason).toBe("maxTokens 995 exceeds the model's maxOutputTokens 500");
  });

  it('respects a pinned ordered list, ranks several providers of one id by strategy, and excludes the rest', () => {
    const midB = offer('b', spec('mid', { inputUsdPerMTok: 0.5, outputUsdPerMTok: 1 }));
    const request: ChatRequest = { ...say, model: [{ provider: 'b', model: 'top' }, 'mid'] };
    const { keys, ranking } = order([cheap, mid, top, midB], request);
    expect(keys).toEqual(['b/top', 'b/mid', 'a/mid']);
    expect(ranking.exclusions).toEqual([
      { provider: 'a', model: 'cheap', reason: 'not named in request.model' },
    ]);
  });

  it('passes unavailability reasons through as exclusions', () => {
    const ranking = rank({
      offers: [cheap, top],
      request: say,
      strategy: 'cheapest',
      expectedOutputTokens: 512,
      unavailable: (item) => (item.provider === 'a' ? 'provider disabled' : undefined),
      latency: () => undefined,
    });
    expect(ranking.candidates.map((item) => item.key)).toEqual(['b/top']);
    expect(ranking.exclusions).toEqual([{ provider: 'a', model: 'cheap', reason: 'provider disabled' }]);
    expect(NoEligibleModelError).toBeDefined();
  });

  it('streams leave out models that cannot stream; chat keeps them', () => {
    const batchOnly = offer('a', spec('batch', { supports: { streaming: false } }));
    const input = {
      offers: [batchOnly, top],
      request: say,
      strategy: 'cheapest' as const,
      expectedOutputTokens: 512,
      unavailable: () => undefined,
      latency: () => undefined,
    };
    expect(rank(input).candidates.map((item) => item.key)).toEqual(['a/batch', 'b/top']);
    const streamed = rank({ ...input, stream: true });
    expect(streamed.candidates.map((item) => item.key)).toEqual(['b/top']);
    expect(streamed.exclusions).toEqual([
      { provider: 'a', model: 'batch', reason: 'does not support streaming' },
    ]);
  });
});

describe('rank order on a large catalog', () => {
  // Prices repeat so ties (broken by capability, then offer order) are common.
  const offers = Array.from({ length: 300 }, (_, index) =>
    offer(
      `p${index % 7}`,
      spec(`m${index}`, { inputUsdPerMTok: (index * 37) % 11, capability: 1 + ((index * 13) % 10) }),
    ),
  );
  const input = {
    offers,
    request: { ...say, minCapability: 4 },
    strategy: 'cheapest' as const,
    expectedOutputTokens: 512,
    unavailable: () => undefined,
    latency: () => undefined,
  };

  it('orders lazily exactly as a stable full sort would, whatever is read first', () => {
    const expected = offers
      .filter((item) => item.spec.capability >= 4)
      .map((item) => ({ key: item.key, cost: item.spec.inputUsdPerMTok, capability: item.spec.capability }))
      .sort((a, b) => a.cost - b.cost || b.capability - a.capability)
      .map((item) => item.key);
    expect(rank(input).candidates.map((item) => item.key)).toEqual(expected);
    const stepwise = rank(input);
    expect([0, 1, 2, 3].map((index) => stepwise.at(index)?.key)).toEqual(expected.slice(0, 4));
    expect(stepwise.candidates.map((item) => item.key)).toEqual(expected);
    expect(stepwise.count).toBe(expected.length);
    expect(stepwise.at(expected.length)).toBeUndefined();
    expect(stepwise.exclusions).toHaveLength(offers.length - expected.length);
    expect(stepwise.exclusions[0]?.reason).toMatch(/^capability \d+ is below minCapability 4$/);
  });
});
