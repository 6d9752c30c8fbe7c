// createRouterFetch: one fetch that answers OpenAI- and Anthropic-shaped calls from the router for
// any base URL, given to the real clients people already use (openai, @anthropic-ai/sdk, LangChain's
// ChatOpenAI, the AI SDK's openai-compatible provider), over the simulated providers.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import Anthropic from '@anthropic-ai/sdk';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { createAnthropicCompatibleClient, createAnthropicRouterFetch } from '@spillway/anthropic';
import { createOpenAICompatibleClient, createRouterFetch } from '@spillway/openai';
import { generateText } from 'ai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useTwoProviderRouter } from './two-provider-router.js';

const env = useTwoProviderRouter();

// Any base URL works: nothing is sent to it.
const BASE = 'https://llm.internal.example/v1';
const rateLimitOpenAIOnce = () =>
  env.openaiSim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5000 }] });

describe('createRouterFetch with the openai SDK', () => {
  it('serves chat completions and responses, and lists auto plus every offered model', async () => {
    const client = new OpenAI({ apiKey: 'unused', baseURL: BASE, fetch: createRouterFetch(env.router) });
    const completion = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const response = await client.responses.create({ model: 'claude-haiku-4-5', input: 'Hi' });
    expect(response.model).toBe('claude-haiku-4-5');
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models).toEqual([
      { id: 'auto', object: 'model', created: 0, owned_by: 'spillway' },
      { id: 'gpt-5.4-mini', object: 'model', created: 0, owned_by: 'openai' },
      { id: 'claude-haiku-4-5', object: 'model', created: 0, owned_by: 'anthropic' },
    ]);
  });

  it('answers an unknown model id with a 404 naming the offered ids, or routes it as auto when asked', async () => {
    const strict = new OpenAI({ apiKey: 'unused', baseURL: BASE, fetch: createRouterFetch(env.router) });
    const error = await strict.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toMatch(
      /'gpt-4o' is not offered.*auto, gpt-5\.4-mini, claude-haiku-4-5/,
    );
    const lenient = new OpenAI({
      apiKey: 'unused',
      baseURL: BASE,
      fetch: createRouterFetch(env.router, { unknownModel: 'auto' }),
    });
    const completion = await lenient.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.model).toBe('gpt-5.4-mini');
  });

  it('answers paths it does not serve with a 404', async () => {
    const client = new OpenAI({ apiKey: 'unused', baseURL: BASE, fetch: createRouterFetch(env.router) });
    const error = await client.embeddings
      .create({ model: 'auto', input: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('createRouterFetch with @anthropic-ai/sdk', () => {
  it('serves /messages through the Anthropic translation it is given, and lists models in Anthropic shape', async () => {
    rateLimitOpenAIOnce();
    const fetch = createRouterFetch(env.router, { messages: createAnthropicRouterFetch(env.router) });
    const client = new Anthropic({ apiKey: 'unused', baseURL: 'https://llm.internal.example', fetch });
    const message = await client.messages.create({
      model: 'auto',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.type).toBe('message');
    expect(message.model).toBe('claude-haiku-4-5');
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['auto', 'gpt-5.4-mini', 'claude-haiku-4-5']);
    const unknown = await client.messages
      .create({ model: 'claude-3-opus', max_tokens: 8, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
  });
});

describe('tenants through the fetch and the drop-in clients', () => {
  const fromHeader = ({ headers }: { headers: Headers }) => headers.get('x-spillway-tenant') ?? undefined;
  const seenTenants = () => {
    const tenants: (string | undefined)[] = [];
    env.router.on('request-start', (event) => tenants.push(event.tenant));
    return tenants;
  };

  it('stamps a fixed tenant, or one a function reads from each call; a header alone is not trusted', async () => {
    const tenants = seenTenants();
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    const headers = { 'x-spillway-tenant': 'globex' };
    const fixed = createOpenAICompatibleClient(env.router, { tenant: 'acme' });
    await fixed.chat.completions.create({ model: 'auto', messages });
    const perCall = new OpenAI({
      apiKey: 'unused',
      baseURL: BASE,
      fetch: createRouterFetch(env.router, { tenant: fromHeader }),
    });
    await perCall.chat.completions.create({ model: 'auto', messages }, { headers });
    const stream = await perCall.responses.create({ model: 'auto', input: 'Hi', stream: true }, { headers });
    for await (const _ of stream);
    const plain = new OpenAI({ apiKey: 'unused', baseURL: BASE, fetch: createRouterFetch(env.router) });
    await plain.chat.completions.create({ model: 'auto', messages }, { headers });
    const claude = createAnthropicCompatibleClient(env.router, { tenant: fromHeader });
    await claude.messages.create({ model: 'auto', max_tokens: 16, messages }, { headers });
    expect(tenants).toEqual(['acme', 'globex', 'globex', undefined, 'globex']);
  });

  it("answers a tenant the router refuses with the client's 400, sending nothing", async () => {
    const client = createOpenAICompatibleClient(env.router, { tenant: '' });
    const error = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/tenant/);
    expect(env.openaiSim.stats().requests + env.anthropicSim.stats().requests).toBe(0);
  });
});

describe('LangChain ChatOpenAI', () => {
  const weather = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  };

  it('invokes with tools, falling back on a 429, and round-trips the tool result', async () => {
    rateLimitOpenAIOnce();
    const model = new ChatOpenAI({
      model: 'auto',
      apiKey: 'unused',
      maxRetries: 0,
      configuration: { baseURL: BASE, fetch: createRouterFetch(env.router) },
    }).bindTools([weather]);
    const question = new HumanMessage('Weather in Berlin? Use the tool.');
    const first = await model.invoke([question]);
    expect(first.tool_calls).toEqual([
      expect.objectContaining({ name: 'get_weather', args: { city: expect.any(String) } }),
    ]);
    const call = first.tool_calls?.[0];
    const second = await model.invoke([
      question,
      new AIMessage({ content: '', tool_calls: first.tool_calls ?? [] }),
      new ToolMessage({ content: '12C, cloudy', tool_call_id: call?.id ?? '' }),
    ]);
    expect(typeof second.content).toBe('string');
    expect((second.content as string).length).toBeGreaterThan(0);
    expect(env.openaiSim.stats().rateLimited).toBe(1);
    expect(env.anthropicSim.stats().requests).toBeGreaterThan(0);
  });

  it('works with useResponsesApi', async () => {
    const model = new ChatOpenAI({
      model: 'auto',
      apiKey: 'unused',
      useResponsesApi: true,
      configuration: { baseURL: BASE, fetch: createRouterFetch(env.router) },
    });
    const reply = await model.invoke('Say hi.');
    expect(reply.text.length).toBeGreaterThan(0);
  });
});

describe('@ai-sdk/openai-compatible', () => {
  it('generates text through the fetch, falling back on a 429', async () => {
    rateLimitOpenAIOnce();
    const provider = createOpenAICompatible({
      name: 'spillway',
      baseURL: BASE,
      fetch: createRouterFetch(env.router),
    });
    const result = await generateText({ model: provider('auto'), prompt: 'Hi', maxRetries: 0 });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.response.modelId).toBe('claude-haiku-4-5');
  });
});
