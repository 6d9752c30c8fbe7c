// Costs that match the invoice: each simulator reports cached tokens when a prompt repeats (as its
// provider does), each adapter maps them, and the router prices them at the catalog's cache prices.
import { anthropic, createAnthropicCompatibleClient } from '@spillway/anthropic';
import {
  type ChatRequest,
  type ChatResult,
  createRouter,
  findCatalogModel,
  type ModelSpec,
  type ProviderAdapter,
  type Router,
  type RouterStreamEvent,
  type Usage,
} from '@spillway/core';
import { google } from '@spillway/google';
import { groq } from '@spillway/groq';
import { createOpenAICompatibleClient, openai } from '@spillway/openai';
import {
  FakeClock,
  type SimProtocol,
  type SimulatedProvider,
  startSimulatedProvider,
} from '@spillway/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

type Setup = {
  protocol: SimProtocol;
  model: string;
  adapter(sim: SimulatedProvider, model: string): ProviderAdapter;
  /** Anthropic reports what a request wrote to the cache; the others only what it read. */
  reportsWrites: boolean;
};

const SETUPS: Setup[] = [
  {
    protocol: 'openai',
    model: 'gpt-5.4-mini',
    adapter: (sim, model) => openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: [model] }),
    reportsWrites: true,
  },
  {
    protocol: 'groq',
    model: 'openai/gpt-oss-120b',
    adapter: (sim, model) => groq({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: [model] }),
    reportsWrites: false,
  },
  {
    protocol: 'anthropic',
    model: 'claude-haiku-4-5',
    adapter: (sim, model) =>
      anthropic({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: [model], promptCaching: true }),
    reportsWrites: true,
  },
  {
    protocol: 'gemini',
    model: 'gemini-2.5-flash',
    adapter: (sim, model) => google({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: [model] }),
    reportsWrites: false,
  },
];

// About 1,600 tokens of system prompt: above the 1,024 every provider needs before it caches.
const SYSTEM = `You answer questions about the manual below.\n${'alpha beta gamma delta '.repeat(400)}`;
const ask = (question: string): ChatRequest => ({
  messages: [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: question },
  ],
  maxTokens: 40,
});

/** The invoice, written out: each kind of token at its catalog price. */
function invoice(spec: ModelSpec, usage: Usage): number {
  const cached = usage.cachedInputTokens ?? 0;
  const written = usage.cacheWriteInputTokens ?? 0;
  const hour = usage.cacheWrite1hInputTokens ?? 0;
  return (
    ((usage.inputTokens - cached - written) * spec.inputUsdPerMTok +
      cached * spec.cachedInputUsdPerMTok! +
      (written - hour) * spec.cacheWriteUsdPerMTok! +
      hour * (spec.cacheWrite1hUsdPerMTok ?? spec.cacheWriteUsdPerMTok!) +
      usage.outputTokens * spec.outputUsdPerMTok) /
    1e6
  );
}

const sims: SimulatedProvider[] = [];
const routers: Router[] = [];
beforeAll(async () => {
  sims.push(...(await Promise.all(SETUPS.map(({ protocol }) => startSimulatedProvider({ protocol })))));
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});
afterAll(async () => {
  await Promise.all(sims.map((sim) => sim.close()));
});

function routerFor(index: number, adapter?: ProviderAdapter): Router {
  const setup = SETUPS[index]!;
  const sim = sims[index]!;
  sim.reset();
  const router = createRouter({
    clock: new FakeClock(),
    providers: [adapter ?? setup.adapter(sim, setup.model)],
  });
  routers.push(router);
  return router;
}

describe.each(SETUPS.map((setup, index) => [setup.protocol, setup, index] as const))(
  'cached-token pricing through the router: %s',
  (_name, setup, index) => {
    const spec = findCatalogModel(setup.model)!;

    it('a repeated prompt comes back with cached input tokens and costs less, at the cached price', async () => {
      const router = routerFor(index);
      const first = await router.chat(ask('What does the manual say?'));
      const second = await router.chat(ask('What does the manual say?'));

      expect(first.usage.cachedInputTokens).toBeUndefined();
      if (setup.reportsWrites) expect(first.usage.cacheWriteInputTokens).toBe(first.usage.inputTokens);
      expect(second.usage.inputTokens).toBe(first.usage.inputTokens);
      expect(second.usage.cachedInputTokens).toBe(second.usage.inputTokens);
      expect(second.usage.cacheWriteInputTokens).toBeUndefined();
      expect(second.usage.outputTokens).toBe(first.usage.outputTokens);

      expect(spec.cachedInputUsdPerMTok).toBeLessThan(spec.inputUsdPerMTok);
      for (const result of [first, second])
        expect(result.costUsd).toBeCloseTo(invoice(spec, result.usage), 15);
      expect(second.costUsd).toBeLessThan(first.costUsd);
    });

    it('a new question after the same system prompt reads the shared prefix; streams report it too', async () => {
      const router = routerFor(index);
      await router.chat(ask('Warm the cache.'));
      const stream = router.stream(ask('And what comes next?'));
      let finish: Extract<RouterStreamEvent, { type: 'finish' }> | undefined;
      for await (const event of stream) if (event.type === 'finish') finish = event;
      const result: ChatResult = await stream.result;

      const cached = result.usage.cachedInputTokens ?? 0;
      expect(cached).toBeGreaterThan(1024);
      expect(cached).toBeLessThan(result.usage.inputTokens);
      expect(finish?.usage).toEqual(result.usage);
      expect(result.costUsd).toBeCloseTo(invoice(spec, result.usage), 15);
      expect(finish?.costUsd).toBe(result.costUsd);
    });
  },
);

describe("Anthropic's 1-hour prompt cache", () => {
  it('writes at the 1-hour price (2x input), chat and stream, and reads like the 5-minute one', async () => {
    const index = SETUPS.findIndex((setup) => setup.protocol === 'anthropic');
    const sim = sims[index]!;
    const hourly = anthropic({
      apiKey: sim.apiKey,
      baseURL: sim.baseURL,
      models: ['claude-haiku-4-5'],
      promptCaching: { ttl: '1h' },
    });
    const router = routerFor(index, hourly);
    const spec = findCatalogModel('claude-haiku-4-5')!;
    expect(spec.cacheWrite1hUsdPerMTok).toBe(2 * spec.inputUsdPerMTok);

    const first = await router.chat(ask('What does the manual say?'));
    expect(first.usage.cacheWriteInputTokens).toBe(first.usage.inputTokens);
    expect(first.usage.cacheWrite1hInputTokens).toBe(first.usage.inputTokens);
    expect(first.costUsd).toBeCloseTo(invoice(spec, first.usage), 15);
    // The same writes at the 5-minute price would have cost less.
    const fiveMinutes = { ...first.usage, cacheWrite1hInputTokens: undefined };
    expect(first.costUsd).toBeGreaterThan(invoice(spec, fiveMinutes));

    const stream = router.stream(ask('And a different question?'));
    for await (const _ of stream);
    const streamed = await stream.result;
    expect(streamed.usage.cachedInputTokens).toBeGreaterThan(1024);
    expect(streamed.usage.cacheWrite1hInputTokens).toBe(streamed.usage.cacheWriteInputTokens);
    expect(streamed.usage.cacheWrite1hInputTokens).toBeGreaterThan(0);
    expect(streamed.costUsd).toBeCloseTo(invoice(spec, streamed.usage), 15);

    // The Anthropic drop-in hands the breakdown back in Anthropic's own shape.
    sim.reset();
    const message = await createAnthropicCompatibleClient(router).messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 40,
      system: SYSTEM,
      messages: [{ role: 'user', content: 'A third question.' }],
    });
    expect(message.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: message.usage.cache_creation_input_tokens,
    });
    expect(message.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
  });
});

describe('prompt caching the provider was not asked for', () => {
  it('Anthropic without promptCaching caches nothing, as the API does', async () => {
    const index = SETUPS.findIndex((setup) => setup.protocol === 'anthropic');
    const sim = sims[index]!;
    const router = routerFor(
      index,
      anthropic({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: ['claude-haiku-4-5'] }),
    );
    await router.chat(ask('Once.'));
    const again = await router.chat(ask('Once.'));
    expect(again.usage.cachedInputTokens).toBeUndefined();
    expect(again.usage.cacheWriteInputTokens).toBeUndefined();
  });
});

describe('drop-in clients hand the cache counts back in their own protocol', () => {
  it('chat completions, Responses and Anthropic messages report cache reads (and writes)', async () => {
    const router = routerFor(SETUPS.findIndex((setup) => setup.protocol === 'anthropic'));
    const openaiClient = createOpenAICompatibleClient(router);
    const params = {
      model: 'claude-haiku-4-5',
      max_tokens: 40,
      messages: [
        { role: 'system' as const, content: SYSTEM },
        { role: 'user' as const, content: 'Same question.' },
      ],
    };
    const written = await openaiClient.chat.completions.create(params);
    expect(written.usage?.prompt_tokens_details?.cache_write_tokens).toBe(written.usage?.prompt_tokens);
    const read = await openaiClient.chat.completions.create(params);
    expect(read.usage?.prompt_tokens_details?.cached_tokens).toBe(read.usage?.prompt_tokens);

    const response = await openaiClient.responses.create({
      model: 'claude-haiku-4-5',
      instructions: SYSTEM,
      input: 'Same question.',
      max_output_tokens: 40,
    });
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(response.usage?.input_tokens);

    const message = await createAnthropicCompatibleClient(router).messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 40,
      system: SYSTEM,
      messages: [{ role: 'user', content: 'Same question.' }],
    });
    // Anthropic's own shape: input_tokens is the uncached part only.
    expect(message.usage.cache_read_input_tokens).toBeGreaterThan(1024);
    expect(message.usage.input_tokens).toBe(0);
  });
});
