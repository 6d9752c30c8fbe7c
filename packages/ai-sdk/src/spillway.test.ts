// The router as an AI SDK model, driven by the real `ai` package over simulated providers (real HTTP
// on loopback): fallback inside generateText and streamText, tool round trips, objects, cut streams.
import { anthropic } from '@spillway/anthropic';
import { createRouter, type Router, StreamInterruptedError } from '@spillway/core';
import { openai } from '@spillway/openai';
import { FakeClock, type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { generateText, Output, stepCountIs, streamText, tool } from 'ai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSpillway } from './spillway-provider.js';

let openaiSim: SimulatedProvider;
let anthropicSim: SimulatedProvider;
let router: Router;

beforeAll(async () => {
  [openaiSim, anthropicSim] = await Promise.all([
    startSimulatedProvider({ protocol: 'openai' }),
    startSimulatedProvider({ protocol: 'anthropic' }),
  ]);
});
afterAll(async () => {
  await Promise.all([openaiSim?.close(), anthropicSim?.close()]);
});
beforeEach(() => {
  for (const sim of [openaiSim, anthropicSim]) {
    sim.setFaults({});
    sim.reset();
  }
  // gpt-5.4-mini is the cheaper of the two, so 'auto' tries OpenAI first.
  router = createRouter({
    clock: new FakeClock(),
    providers: [
      openai({ apiKey: openaiSim.apiKey, baseURL: openaiSim.baseURL, models: ['gpt-5.4-mini'] }),
      anthropic({ apiKey: anthropicSim.apiKey, baseURL: anthropicSim.baseURL, models: ['claude-haiku-4-5'] }),
    ],
  });
});
afterEach(async () => {
  await router.close();
});

const weather = tool({
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperatureC: 21 }),
});

type SpillwayMetadata = {
  provider: string;
  model: string;
  costUsd: number;
  attempts: { provider: string; outcome: string }[];
};
const outcomes = (metadata: unknown) =>
  (metadata as { spillway: SpillwayMetadata }).spillway.attempts.map((a) => `${a.provider}:${a.outcome}`);

describe('generateText', () => {
  it('falls back on a 429 and reports the route in providerMetadata.spillway', async () => {
    openaiSim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5000 }] });
    const spillway = createSpillway(router);
    const result = await generateText({
      model: spillway('auto'),
      system: 'Answer briefly.',
      prompt: 'Why do rate limits exist?',
      maxOutputTokens: 60,
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.finishReason).toBe('stop');
    expect(result.response.modelId).toBe('claude-haiku-4-5');
    expect(outcomes(result.providerMetadata)).toEqual(['openai:rate_limit', 'anthropic:success']);
    const metadata = (result.providerMetadata as { spillway: SpillwayMetadata }).spillway;
    expect(metadata).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(metadata.costUsd).toBeGreaterThan(0);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(anthropicSim.stats().requests).toBe(1);
  });

  it('runs a tool round trip: the tool result goes back and the model answers in text', async () => {
    const spillway = createSpillway(router);
    const result = await generateText({
      model: spillway('auto', { require: { tools: true } }),
      prompt: 'What is the weather in Paris? Use the tool.',
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
    });
    expect(result.steps).toHaveLength(2);
    const [first, second] = result.steps;
    expect(first?.finishReason).toBe('tool-calls');
    expect(first?.toolCalls).toHaveLength(1);
    expect(first?.toolCalls[0]).toMatchObject({
      toolName: 'get_weather',
      input: { city: expect.any(String) },
    });
    expect(first?.toolResults[0]?.output).toMatchObject({ temperatureC: 21 });
    expect(second?.finishReason).toBe('stop');
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('pins a model id and reports unsupported settings as warnings', async () => {
    const spillway = createSpillway(router);
    const result = await generateText({
      model: spillway('claude-haiku-4-5'),
      prompt: 'Say hi.',
      topP: 0.5,
      seed: 7,
    });
    expect(result.response.modelId).toBe('claude-haiku-4-5');
    expect(openaiSim.stats().requests).toBe(0);
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        { type: 'unsupported', feature: 'topP' },
        { type: 'unsupported', feature: 'seed' },
      ]),
    );
  });

  it("passes the handle's tenant to the router, a call's providerOptions overriding it", async () => {
    const tenants: (string | undefined)[] = [];
    router.on('request-start', (event) => tenants.push(event.tenant));
    const model = createSpillway(router)('auto', { tenant: 'acme' });
    await generateText({ model, prompt: 'Hi', maxOutputTokens: 10 });
    const streamed = streamText({
      model,
      prompt: 'Hi',
      maxOutputTokens: 10,
      providerOptions: { spillway: { tenant: 'globex' } },
    });
    await streamed.consumeStream();
    expect(tenants).toEqual(['acme', 'globex']);
    // A tenant the router cannot take is the caller's error; nothing is sent.
    await expect(
      generateText({ model: createSpillway(router)('auto', { tenant: '' }), prompt: 'Hi', maxRetries: 0 }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    expect(openaiSim.stats().requests).toBe(2);
  });

  it('passes the abort signal through', async () => {
    const spillway = createSpillway(router);
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    await expect(
      generateText({ model: spillway('auto'), prompt: 'Hi', abortSignal: controller.signal, maxRetries: 0 }),
    ).rejects.toThrow(/user left|abort/i);
    expect(openaiSim.stats().requests + anthropicSim.stats().requests).toBe(0);
  });
});

// Output.object, not generateObject: the same JSON-schema call, and not deprecated in ai 7.
describe('structured output', () => {
  it('sends the JSON schema and returns a validated object', async () => {
    const spillway = createSpillway(router);
    const { output: object, providerMetadata } = await generateText({
      model: spillway('auto', { require: { json: true } }),
      output: Output.object({ schema: z.object({ name: z.string(), tags: z.array(z.string()) }) }),
      prompt: 'Describe a fruit.',
    });
    expect(object).toEqual({ name: expect.any(String), tags: expect.any(Array) });
    expect(outcomes(providerMetadata)).toEqual(['openai:success']);
  });
});

describe('streamText', () => {
  it('falls back on a 429 before the first token and streams V3 parts in order', async () => {
    openaiSim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5000 }] });
    const spillway = createSpillway(router);
    const result = streamText({
      model: spillway('auto'),
      prompt: 'Tell me about rivers.',
      maxOutputTokens: 40,
    });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(types.filter((type) => type !== 'text-delta')).toEqual([
      'start',
      'start-step',
      'text-start',
      'text-end',
      'finish-step',
      'finish',
    ]);
    expect(types).toContain('text-delta');
    expect((await result.text).length).toBeGreaterThan(0);
    expect(outcomes(await result.providerMetadata)).toEqual(['openai:rate_limit', 'anthropic:success']);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it('streams tool input as the provider streams it, a whole tool call, then the answer', async () => {
    const spillway = createSpillway(router);
    const result = streamText({
      model: spillway('auto'),
      prompt: 'Weather in Oslo? Use the tool.',
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
    });
    const types: string[] = [];
    const inputDeltas: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'tool-input-delta') inputDeltas.push(part.delta);
      // Runs of deltas collapse to one entry: the order of the other parts is exact.
      if (types.at(-1) !== part.type || !part.type.endsWith('-delta')) types.push(part.type);
    }
    expect(types).toEqual([
      'start',
      'start-step',
      'tool-input-start',
      'tool-input-delta',
      'tool-input-end',
      'tool-call',
      'tool-result',
      'finish-step',
      'start-step',
      'text-start',
      'text-delta',
      'text-end',
      'finish-step',
      'finish',
    ]);
    const steps = await result.steps;
    const call = steps[0]?.toolCalls[0];
    expect(call).toMatchObject({ toolName: 'get_weather', input: { city: expect.any(String) } });
    // The OpenAI simulator sends the arguments in fragments, and each reaches the AI SDK as it comes.
    expect(inputDeltas.length).toBeGreaterThan(1);
    expect(JSON.parse(inputDeltas.join(''))).toEqual(call?.input);
    expect((await result.text).length).toBeGreaterThan(0);
  });

  it('a stream cut after content ends with an error part, never a clean short answer', async () => {
    openaiSim.setFaults({ script: [{ outcome: 'cutMidStream', afterChunks: 2 }] });
    const spillway = createSpillway(router);
    const errors: unknown[] = [];
    const result = streamText({
      model: spillway('auto'),
      prompt: 'Tell me a long story.',
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(types).toContain('error');
    // The AI SDK's own signal for a broken step: an error part and finish reason 'error'.
    expect(await result.finishReason).toBe('error');
    expect(errors).toHaveLength(1);
    expect(StreamInterruptedError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as StreamInterruptedError).partialText).toBe(await result.text);
    expect(anthropicSim.stats().requests).toBe(0);
  });
});

describe('doStream', () => {
  it('emits stream-start with warnings, the answering model, text blocks and finish with usage', async () => {
    const model = createSpillway(router)('auto');
    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      frequencyPenalty: 1,
    });
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts[0]).toEqual({
      type: 'stream-start',
      warnings: [{ type: 'unsupported', feature: 'frequencyPenalty' }],
    });
    expect(parts[1]).toEqual({ type: 'response-metadata', modelId: 'gpt-5.4-mini' });
    expect(parts[2]).toEqual({ type: 'text-start', id: 'text-0' });
    expect(parts.at(-2)).toEqual({ type: 'text-end', id: 'text-0' });
    const finish = parts.at(-1);
    expect(finish).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'stop' },
      usage: { inputTokens: { total: expect.any(Number) }, outputTokens: { total: expect.any(Number) } },
      providerMetadata: {
        spillway: { provider: 'openai', model: 'gpt-5.4-mini', attempts: [{ outcome: 'success' }] },
      },
    });
    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(1);
  });
});
