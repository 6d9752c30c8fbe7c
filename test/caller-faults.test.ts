// A caller's mistake is the caller's: the real adapters over HTTP against simulated providers, with
// requests JSON cannot encode or a provider cannot take. Each ends in InvalidRequestError before
// anything is sent (or, for what only one provider refuses, without counting against that provider),
// and the next valid request is served with every breaker closed (issue 14, defects 3 and 7).
import { anthropic } from '@spillway/anthropic';
import {
  type ChatRequest,
  createRouter,
  type FailureClass,
  InvalidRequestError,
  isBreakerFailure,
  type Router,
} from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import { FakeClock, type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let sims: SimulatedProvider[];
let router: Router;

const say: ChatRequest = { messages: [{ role: 'user', content: 'Say hello.' }], maxTokens: 32 };

beforeAll(async () => {
  sims = await Promise.all(
    (['openai', 'anthropic', 'groq'] as const).map((protocol) => startSimulatedProvider({ protocol })),
  );
  const [openaiSim, anthropicSim, groqSim] = sims as [
    SimulatedProvider,
    SimulatedProvider,
    SimulatedProvider,
  ];
  router = createRouter({
    clock: new FakeClock(),
    // One failure in a row would open a breaker: any booking against a provider shows.
    breaker: { volumeThreshold: 1, errorThresholdPercentage: 1 },
    providers: [
      openai({ apiKey: openaiSim.apiKey, baseURL: openaiSim.baseURL, models: ['gpt-5.4-mini'] }),
      anthropic({ apiKey: anthropicSim.apiKey, baseURL: anthropicSim.baseURL, models: ['claude-haiku-4-5'] }),
      groq({ apiKey: groqSim.apiKey, baseURL: groqSim.baseURL, models: ['openai/gpt-oss-120b'] }),
    ],
  });
});

afterAll(async () => {
  await router?.close();
  await Promise.all((sims ?? []).map((sim) => sim.close()));
});

afterEach(() => {
  for (const sim of sims) sim.reset();
});

function circular(): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: 'object' };
  schema.properties = { child: schema };
  return schema;
}

/** Every model's circuit is closed and no failure that counts against a provider was booked. */
function expectHealthy(): void {
  for (const provider of Object.values(router.stats().providers)) {
    for (const model of Object.values(provider.models)) {
      expect(model.circuit, `${model.provider}/${model.model}`).toBe('closed');
      const booked = Object.keys(model.failures).filter((name) => isBreakerFailure(name as FailureClass));
      expect(booked, `${model.provider}/${model.model}`).toEqual([]);
      expect(model.cooldownUntil ?? 0).toBe(0);
    }
    expect(provider.disabled).toBe(false);
  }
}

const sent = () => sims.reduce((total, sim) => total + sim.stats().requests, 0);

describe('caller faults never count against a provider', () => {
  it('a circular responseFormat schema is InvalidRequestError; the next request is served', async () => {
    const error = await router
      .chat({ ...say, responseFormat: { type: 'json-schema', schema: circular() } })
      .catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe('responseFormat.schema');
    expect(sent()).toBe(0);
    expectHealthy();
    const result = await router.chat(say);
    expect(result.text.length).toBeGreaterThan(0);
    expectHealthy();
  });

  it('BigInt tool parameters reject the stream (not stream() itself), typed', async () => {
    const request: ChatRequest = {
      ...say,
      tools: [{ name: 'count', parameters: { type: 'object', properties: { n: { maximum: 10n } } } }],
    };
    const stream = router.stream(request);
    await expect(stream.result).rejects.toMatchObject({
      code: 'invalid_request',
      field: 'tools[0].parameters',
    });
    const iterated = await (async () => {
      for await (const _event of stream);
    })().catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(iterated)).toBe(true);
    expect(sent()).toBe(0);
    expectHealthy();
  });

  it('an image Anthropic cannot take is InvalidRequestError there, and books nothing against it', async () => {
    const error = await router
      .chat({
        ...say,
        model: { provider: 'anthropic', model: 'claude-haiku-4-5' },
        messages: [{ role: 'user', content: [{ type: 'image', data: 'Qk0=', mediaType: 'image/bmp' }] }],
      })
      .catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('image/bmp');
    expect(sent()).toBe(0);
    expectHealthy();
    const result = await router.chat({ ...say, model: { provider: 'anthropic', model: 'claude-haiku-4-5' } });
    expect(result.provider).toBe('anthropic');
  });
});
