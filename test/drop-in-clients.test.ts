// Agent code written against the official SDKs' own types runs unchanged against the drop-in clients,
// with the router and simulated providers (real HTTP on loopback) behind them.
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { anthropic, createAnthropicCompatibleClient } from '@spillway/anthropic';
import { createRouter, type Router, routingInfo } from '@spillway/core';
import { groq } from '@spillway/groq';
import { createOpenAICompatibleClient, openai } from '@spillway/openai';
import { FakeClock, type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

type Sims = { openai: SimulatedProvider; anthropic: SimulatedProvider; groq: SimulatedProvider };
let sims: Sims;
let router: Router;

beforeAll(async () => {
  const [openaiSim, anthropicSim, groqSim] = await Promise.all([
    startSimulatedProvider({ protocol: 'openai' }),
    startSimulatedProvider({ protocol: 'anthropic' }),
    startSimulatedProvider({ protocol: 'groq' }),
  ]);
  sims = { openai: openaiSim, anthropic: anthropicSim, groq: groqSim };
});
afterAll(async () => {
  await Promise.all(Object.values(sims ?? {}).map((sim) => sim.close()));
});
beforeEach(() => {
  for (const sim of Object.values(sims)) {
    sim.setFaults({});
    sim.reset();
  }
  router = createRouter({
    clock: new FakeClock(),
    providers: [
      openai({ apiKey: sims.openai.apiKey, baseURL: sims.openai.baseURL, models: ['gpt-5.4-mini'] }),
      anthropic({
        apiKey: sims.anthropic.apiKey,
        baseURL: sims.anthropic.baseURL,
        models: ['claude-haiku-4-5'],
      }),
      groq({ apiKey: sims.groq.apiKey, baseURL: sims.groq.baseURL, models: ['openai/gpt-oss-120b'] }),
    ],
  });
});
afterEach(async () => {
  await router.close();
});

// ---- Agent code, as a user would write it against @anthropic-ai/sdk ----

const anthropicWeatherTool: Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function anthropicToolAgent(
  client: Anthropic,
  question: string,
): Promise<{ answer: string; calls: number }> {
  const messages: MessageParam[] = [{ role: 'user', content: question }];
  let calls = 0;
  for (let turn = 0; turn < 4; turn++) {
    const message = await client.messages.create({
      model: 'auto',
      max_tokens: 256,
      tools: [anthropicWeatherTool],
      messages,
    });
    messages.push({ role: 'assistant', content: message.content });
    const toolUses = message.content.filter((block) => block.type === 'tool_use');
    if (message.stop_reason !== 'tool_use' || toolUses.length === 0) {
      const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      return { answer: text, calls };
    }
    calls += toolUses.length;
    messages.push({
      role: 'user',
      content: toolUses.map((block) => ({
        type: 'tool_result',
        tool_use_id: block.id,
        content: '21C, sunny',
      })),
    });
  }
  throw new Error('agent did not finish');
}

async function anthropicStreamAgent(client: Anthropic, question: string): Promise<string> {
  const stream = await client.messages.create({
    model: 'auto',
    max_tokens: 128,
    stream: true,
    messages: [{ role: 'user', content: question }],
  });
  let text = '';
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  }
  return text;
}

// ---- Agent code, as a user would write it against openai ----

const openaiWeatherTool: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

async function openaiToolAgent(
  client: Pick<OpenAI, 'chat'>,
  question: string,
): Promise<{ answer: string; calls: number }> {
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
  let calls = 0;
  for (let turn = 0; turn < 4; turn++) {
    const completion = await client.chat.completions.create({
      model: 'auto',
      tools: [openaiWeatherTool],
      messages,
    });
    const message = completion.choices[0]?.message;
    if (!message) throw new Error('no choice');
    messages.push(message);
    if (!message.tool_calls?.length) return { answer: message.content ?? '', calls };
    for (const call of message.tool_calls) {
      calls += 1;
      messages.push({ role: 'tool', tool_call_id: call.id, content: '21C, sunny' });
    }
  }
  throw new Error('agent did not finish');
}

async function openaiStreamAgent(client: Pick<OpenAI, 'chat'>, question: string): Promise<[string, number]> {
  const stream = await client.chat.completions.create({
    model: 'auto',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: question }],
  });
  let text = '';
  let outputTokens = 0;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) outputTokens = chunk.usage.completion_tokens;
  }
  return [text, outputTokens];
}

describe('Anthropic drop-in client', () => {
  it('runs a plain call, a tools loop and a stream written for @anthropic-ai/sdk', async () => {
    const client = createAnthropicCompatibleClient(router);
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello.' }],
    });
    expect(message.type).toBe('message');
    expect(message.content[0]?.type).toBe('text');
    expect(routingInfo(message)).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });

    const { answer, calls } = await anthropicToolAgent(client, 'Weather in Paris? Use the tool.');
    expect(calls).toBe(1);
    expect(answer.length).toBeGreaterThan(0);

    expect((await anthropicStreamAgent(client, 'Tell me a story.')).length).toBeGreaterThan(0);
    const stream = await client.messages.create({
      model: 'auto',
      max_tokens: 32,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    for await (const _event of stream);
    expect(routingInfo(stream)?.attempts.at(-1)?.outcome).toBe('success');
    const final = await client.messages
      .stream({
        model: 'auto',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Say hi.' }],
      })
      .finalMessage();
    expect(final.content.length).toBeGreaterThan(0);
  });

  it('is served by another provider when the pinned one answers 429', async () => {
    sims.anthropic.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5000 }] });
    const client = createAnthropicCompatibleClient(router, {
      aliases: { claude: { model: [{ provider: 'anthropic', model: 'claude-haiku-4-5' }, 'gpt-5.4-mini'] } },
    });
    const message = await client.messages.create({
      model: 'claude',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello.' }],
    });
    expect(message.model).toBe('gpt-5.4-mini');
    expect(routingInfo(message)?.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual(
      ['anthropic:rate_limit', 'openai:success'],
    );
  });

  it('raises the SDK error class when every candidate fails', async () => {
    sims.anthropic.setFaults({ script: [{ outcome: 'authError' }] });
    const client = createAnthropicCompatibleClient(router);
    const error = await client.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(routingInfo(error)?.attempts[0]).toMatchObject({ provider: 'anthropic', outcome: 'auth' });
    expect(JSON.stringify(error)).not.toContain(sims.anthropic.apiKey);
  });
});

describe('OpenAI drop-in client', () => {
  it('runs a plain call, a tools loop and a stream written for openai', async () => {
    const client = createOpenAICompatibleClient(router);
    const { answer, calls } = await openaiToolAgent(client, 'Weather in Paris? Use the tool.');
    expect(calls).toBe(1);
    expect(answer.length).toBeGreaterThan(0);
    const [text, outputTokens] = await openaiStreamAgent(client, 'Tell me a story.');
    expect(text.length).toBeGreaterThan(0);
    expect(outputTokens).toBeGreaterThan(0);
    const stream = await client.chat.completions.create({
      model: 'auto',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    for await (const _chunk of stream);
    expect(routingInfo(stream)).toMatchObject({ attempts: [{ outcome: 'success' }] });
  });

  it('is served by another provider when one answers 429', async () => {
    sims.openai.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5000 }] });
    const client = createOpenAICompatibleClient(router, {
      aliases: { smart: { model: ['gpt-5.4-mini', 'openai/gpt-oss-120b'] } },
    });
    const completion = await client.chat.completions.create({
      model: 'smart',
      messages: [{ role: 'user', content: 'Say hello.' }],
    });
    expect(completion.model).toBe('openai/gpt-oss-120b');
    expect(
      routingInfo(completion)?.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`),
    ).toEqual(['openai:rate_limit', 'groq:success']);
  });

  it('raises RateLimitError when the only candidate is rate limited and attempts run out', async () => {
    sims.openai.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5000 }] });
    const single = createRouter({
      clock: new FakeClock(),
      maxAttempts: 1,
      providers: [
        openai({ apiKey: sims.openai.apiKey, baseURL: sims.openai.baseURL, models: ['gpt-5.4-mini'] }),
      ],
    });
    try {
      const error = await createOpenAICompatibleClient(single)
        .chat.completions.create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Hi' }] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
      expect(routingInfo(error)?.attempts).toHaveLength(1);
    } finally {
      await single.close();
    }
  });
});
