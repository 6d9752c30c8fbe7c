// The Responses API served by the router through the OpenAI drop-in client (real `openai` SDK, its own
// parsing and SSE handling), and the OpenAI Agents SDK running on it in its default (Responses) mode.
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { routingInfo } from '@spillway/core';
import { createOpenAICompatibleClient } from '@spillway/openai';
import OpenAI from 'openai';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useTwoProviderRouter } from './two-provider-router.js';

setTracingDisabled(true);

const env = useTwoProviderRouter();

const rateLimitOpenAIOnce = () =>
  env.openaiSim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5000 }] });

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

describe('responses.create', () => {
  it('answers a string input with instructions, falling back on a 429', async () => {
    rateLimitOpenAIOnce();
    const client = createOpenAICompatibleClient(env.router);
    const response = await client.responses.create({
      model: 'auto',
      instructions: 'Answer in one sentence.',
      input: 'Why do rate limits exist?',
      max_output_tokens: 60,
    });
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'claude-haiku-4-5',
      output: [
        { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text' }] },
      ],
    });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    const info = routingInfo(response);
    expect(info?.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual([
      'openai:rate_limit',
      'anthropic:success',
    ]);
  });

  it('round-trips a function call: function_call out, function_call_output back, text answer', async () => {
    const client = createOpenAICompatibleClient(env.router);
    const input: ResponseInputItem[] = [{ role: 'user', content: 'Weather in Paris? Use the tool.' }];
    const first = await client.responses.create({ model: 'auto', input, tools: [weatherTool] });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    if (call?.type !== 'function_call') throw new Error('no function call');
    expect(JSON.parse(call.arguments)).toEqual({ city: expect.any(String) });
    input.push(call, { type: 'function_call_output', call_id: call.call_id, output: '{"celsius":21}' });
    const second = await client.responses.create({ model: 'auto', input, tools: [weatherTool] });
    expect(second.output.map((item) => item.type)).toEqual(['message']);
    expect(second.output_text.length).toBeGreaterThan(0);
  });

  it('returns JSON for a text.format JSON schema', async () => {
    const client = createOpenAICompatibleClient(env.router);
    const response = await client.responses.create({
      model: 'auto',
      input: 'Describe a fruit.',
      text: {
        format: {
          type: 'json_schema',
          name: 'fruit',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, sweet: { type: 'boolean' } },
            required: ['name', 'sweet'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(JSON.parse(response.output_text)).toEqual({
      name: expect.any(String),
      sweet: expect.any(Boolean),
    });
  });

  it('streams OpenAI event types in order, after falling back on a 429', async () => {
    rateLimitOpenAIOnce();
    const client = createOpenAICompatibleClient(env.router);
    const stream = await client.responses.create({
      model: 'auto',
      input: 'Tell me about rivers.',
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types.filter((type) => type !== 'response.output_text.delta')).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(text.length).toBeGreaterThan(0);
    expect(completed?.output_text).toBe(text);
    expect(completed?.model).toBe('claude-haiku-4-5');
  });

  it('streams a function call as an output item, its arguments in the fragments the provider sent', async () => {
    const client = createOpenAICompatibleClient(env.router);
    const stream = await client.responses.create({
      model: 'auto',
      input: 'Weather in Oslo? Use the tool.',
      tools: [weatherTool],
      stream: true,
    });
    const types: string[] = [];
    const deltas: string[] = [];
    let done: OpenAI.Responses.ResponseFunctionCallArgumentsDoneEvent | undefined;
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') deltas.push(event.delta);
      if (types.at(-1) !== event.type) types.push(event.type);
      if (event.type === 'response.function_call_arguments.done') done = event;
    }
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    // The OpenAI simulator streams arguments a few characters at a time, as OpenAI does.
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(done?.arguments);
    expect(JSON.parse(done?.arguments ?? '')).toEqual({ city: expect.any(String) });
  });

  it('a stream cut after content throws while iterating, and never completes', async () => {
    env.openaiSim.setFaults({ script: [{ outcome: 'cutMidStream', afterChunks: 2 }] });
    const client = createOpenAICompatibleClient(env.router);
    const stream = await client.responses.create({ model: 'auto', input: 'Tell me a story.', stream: true });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String((error as Error).message)).toMatch(/interrupted|cut|ended/i);
    expect(types).toContain('response.output_text.delta');
    expect(types).not.toContain('response.completed');
  });

  it('rejects built-in tools and stored-response features with a 400 naming them', async () => {
    const client = createOpenAICompatibleClient(env.router);
    const builtIn = await client.responses
      .create({ model: 'auto', input: 'Hi', tools: [{ type: 'web_search' }] })
      .catch((caught: unknown) => caught);
    expect(builtIn).toBeInstanceOf(OpenAI.BadRequestError);
    expect(builtIn).toMatchObject({ status: 400, param: 'tools[0]' });
    expect((builtIn as Error).message).toMatch(/built-in tool 'web_search'/);
    const stored = await client.responses
      .create({ model: 'auto', input: 'Hi', previous_response_id: 'resp_123' })
      .catch((caught: unknown) => caught);
    expect(stored).toMatchObject({ status: 400, param: 'previous_response_id' });
    expect(env.openaiSim.stats().requests + env.anthropicSim.stats().requests).toBe(0);
  });
});

describe('OpenAI Agents SDK (Responses mode)', () => {
  const getWeather = tool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => `${city}: 21C, sunny`,
  });
  const specialist = new Agent({
    name: 'specialist',
    instructions: 'You answer detailed travel questions.',
    model: 'auto',
  });
  const triage = new Agent({
    name: 'triage',
    instructions: 'Answer weather questions with the tool; hand travel questions to the specialist.',
    model: 'auto',
    tools: [getWeather],
    handoffs: [specialist],
  });
  const runner = () =>
    new Runner({
      modelProvider: new OpenAIProvider({ openAIClient: createOpenAICompatibleClient(env.router) }),
    });

  it('runs a tool, falling back on a 429 inside the run', async () => {
    rateLimitOpenAIOnce();
    const result = await runner().run(triage, 'What is the weather in Rome? Please call get_weather.');
    const calls = result.newItems.filter((item) => item.type === 'tool_call_item');
    expect(calls).toHaveLength(1);
    expect(result.newItems.some((item) => item.type === 'tool_call_output_item')).toBe(true);
    expect(typeof result.finalOutput).toBe('string');
    expect((result.finalOutput ?? '').length).toBeGreaterThan(0);
    expect(env.openaiSim.stats().rateLimited).toBe(1);
    expect(env.anthropicSim.stats().requests).toBeGreaterThan(0);
  });

  it('hands off to another agent, streamed', async () => {
    const result = await runner().run(triage, 'Plan a trip to Kyoto. Please call transfer_to_specialist.', {
      stream: true,
    });
    let deltas = 0;
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') deltas++;
    }
    await result.completed;
    expect(result.lastAgent?.name).toBe('specialist');
    expect(result.newItems.some((item) => item.type === 'handoff_output_item')).toBe(true);
    expect(deltas).toBeGreaterThan(0);
    expect((result.finalOutput ?? '').length).toBeGreaterThan(0);
  });
});
