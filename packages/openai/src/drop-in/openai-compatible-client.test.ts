import {
  AllProvidersFailedError,
  type Attempt,
  type ChatRequest,
  type ChatResult,
  DeadlineExceededError,
  routingInfo,
  StreamInterruptedError,
} from '@spillway/core';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { createOpenAICompatibleClient } from './openai-compatible-client.js';
import type { ChatRouter, RouterStream, RouterStreamEvent } from './serve-chat-completions.js';

const attempts: Attempt[] = [
  { provider: 'openai', model: 'gpt-5.4-mini', outcome: 'rate_limit', status: 429, durationMs: 2 },
  { provider: 'anthropic', model: 'claude-haiku-4-5', outcome: 'success', durationMs: 8 },
];
const result: ChatResult = {
  text: 'Hello!',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12 },
  costUsd: 0.00002,
  provider: 'anthropic',
  model: 'claude-haiku-4-5',
  attempts,
};
const params = { model: 'auto', messages: [{ role: 'user' as const, content: 'Hi' }] };

// Agent code written against the SDK's own type: the drop-in must be accepted where it is expected.
async function agent(client: Pick<OpenAI, 'chat'>, question: string): Promise<string | null> {
  const completion = await client.chat.completions.create({
    model: 'auto',
    messages: [{ role: 'user', content: question }],
  });
  return completion.choices[0]?.message.content ?? null;
}

function routerStream(events: RouterStreamEvent[], final: ChatResult, failAfter?: Error): RouterStream {
  return {
    result: Promise.resolve(final),
    async *[Symbol.asyncIterator]() {
      yield* events;
      if (failAfter) throw failAfter;
    },
  };
}

function failingRouter(error: Error): ChatRouter {
  return { chat: () => Promise.reject(error) };
}

describe('createOpenAICompatibleClient', () => {
  it('is a real OpenAI client that code typed against the SDK accepts', async () => {
    let seen: ChatRequest | undefined;
    const client = createOpenAICompatibleClient({
      chat: async (request) => {
        seen = request;
        return result;
      },
    });
    expect(client).toBeInstanceOf(OpenAI);
    const typed: Pick<OpenAI, 'chat'> = client;
    expect(await agent(typed, 'Hi')).toBe('Hello!');
    expect(seen?.messages).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(seen?.model).toBeUndefined();
  });

  it('returns a ChatCompletion with routing info hidden from its enumerable shape', async () => {
    const client = createOpenAICompatibleClient({ chat: async () => result });
    const completion = await client.chat.completions.create({ ...params, max_completion_tokens: 50 });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'claude-haiku-4-5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    });
    expect(Object.keys(completion)).not.toContain('spillway');
    expect(routingInfo(completion)).toEqual({
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      attempts,
      costUsd: 0.00002,
    });
  });

  it('maps tool calls both ways and resolves aliases', async () => {
    let seen: ChatRequest | undefined;
    const toolCall = {
      id: 'call_1',
      name: 'weather',
      arguments: { city: 'Rome' },
      rawArguments: '{"city":"Rome"}',
    };
    const client = createOpenAICompatibleClient(
      {
        chat: async (request) => {
          seen = request;
          return { ...result, text: '', toolCalls: [toolCall], finishReason: 'tool-calls' };
        },
      },
      { aliases: { fast: { minCapability: 4 } } },
    );
    const completion = await client.chat.completions.create({
      model: 'fast',
      messages: [
        { role: 'developer', content: 'Use tools.' },
        { role: 'user', content: 'Weather in Paris, then Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_0', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_0', content: '18C' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      response_format: { type: 'json_object' },
    });
    expect(seen).toMatchObject({
      minCapability: 4,
      toolChoice: 'required',
      responseFormat: { type: 'json' },
      tools: [{ name: 'weather', parameters: { type: 'object' } }],
      messages: [
        { role: 'system', content: 'Use tools.' },
        { role: 'user', content: 'Weather in Paris, then Rome?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'call_0', name: 'weather', arguments: { city: 'Paris' }, rawArguments: '{"city":"Paris"}' },
          ],
        },
        { role: 'tool', toolCallId: 'call_0', content: '18C' },
      ],
    });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
    });
  });

  it("raises the SDK's own error classes with the router's error as cause", async () => {
    const rateLimited = new AllProvidersFailedError('every candidate is rate limited', {
      attempts: [attempts[0] as Attempt],
      retryAfterMs: 1200,
    });
    const caught = await createOpenAICompatibleClient(failingRouter(rateLimited))
      .chat.completions.create(params)
      .catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(OpenAI.RateLimitError);
    expect(caught).toMatchObject({ status: 429, code: 'rate_limit_exceeded', cause: rateLimited });
    expect((caught as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('2');
    expect(routingInfo(caught)?.attempts).toEqual([attempts[0]]);

    await expect(
      createOpenAICompatibleClient(
        failingRouter(new DeadlineExceededError('deadline', { attempts: [] })),
      ).chat.completions.create(params),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await expect(
      createOpenAICompatibleClient({ chat: async () => result }).chat.completions.create({ ...params, n: 2 }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('raises APIUserAbortError when the caller aborts', async () => {
    const controller = new AbortController();
    const client = createOpenAICompatibleClient({
      chat: (request) =>
        new Promise((_, reject) =>
          request.signal?.addEventListener('abort', () => reject(request.signal?.reason)),
        ),
    });
    const pending = client.chat.completions.create(params, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
  });

  it('streams chunks with a usage chunk when asked, and fails in-band after content', async () => {
    const toolCall = { id: 'call_2', name: 'f', arguments: {}, rawArguments: '{}' };
    const client = createOpenAICompatibleClient({
      chat: () => Promise.reject(new Error('unused')),
      stream: () =>
        routerStream(
          [
            { type: 'text-delta', text: 'Hel' },
            { type: 'usage', usage: result.usage },
            { type: 'text-delta', text: 'lo' },
            { type: 'tool-call', toolCall },
          ],
          { ...result, toolCalls: [toolCall], finishReason: 'tool-calls' },
        ),
    });
    const stream = await client.chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? chunk.usage)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
      { content: 'lo' },
      {
        tool_calls: [{ index: 0, id: 'call_2', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      {},
      { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');

    const cut = new StreamInterruptedError('stream cut', {
      partialText: 'Hel',
      attempts,
      failure: 'stream_cut',
    });
    const broken = createOpenAICompatibleClient({
      chat: () => Promise.reject(new Error('unused')),
      stream: () => routerStream([{ type: 'text-delta', text: 'Hel' }], result, cut),
    });
    const brokenStream = await broken.chat.completions.create({ ...params, stream: true });
    const error = await (async () => {
      for await (const _ of brokenStream);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: undefined, message: 'stream cut' });
  });

  it('streams tool call arguments as the provider streams them; a whole call is one chunk', async () => {
    const streamed = { id: 'call_1', name: 'f', arguments: { a: 1 }, rawArguments: '{"a":1}' };
    const whole = { id: 'call_2', name: 'g', arguments: {}, rawArguments: '{}' };
    const client = createOpenAICompatibleClient({
      chat: () => Promise.reject(new Error('unused')),
      stream: () =>
        routerStream(
          [
            { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'f', argumentsDelta: '' },
            { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a"' },
            { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
            { type: 'tool-call', toolCall: streamed },
            { type: 'tool-call', toolCall: whole },
          ],
          { ...result, text: '', toolCalls: [streamed, whole], finishReason: 'tool-calls' },
        ),
    });
    const runner = client.chat.completions.stream({ ...params, stream: true });
    const deltas: unknown[] = [];
    runner.on('chunk', (chunk) => deltas.push(chunk.choices[0]?.delta));
    const completion = await runner.finalChatCompletion();
    expect(deltas.slice(1, -1)).toEqual([
      { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] },
      { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
      {
        tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } }],
      },
    ]);
    // The SDK's own accumulation puts the fragments back together.
    expect(completion.choices[0]?.message.tool_calls).toMatchObject([
      { id: 'call_1', function: { name: 'f', arguments: '{"a":1}' } },
      { id: 'call_2', function: { name: 'g', arguments: '{}' } },
    ]);
  });

  it('rejects create() when the stream fails before any content', async () => {
    const failed = new AllProvidersFailedError('all overloaded', {
      attempts: [{ provider: 'groq', model: 'm', outcome: 'overloaded', durationMs: 1 }],
    });
    const client = createOpenAICompatibleClient({
      chat: () => Promise.reject(new Error('unused')),
      stream: () => routerStream([], result, failed),
    });
    await expect(client.chat.completions.create({ ...params, stream: true })).rejects.toBeInstanceOf(
      OpenAI.InternalServerError,
    );
  });
});
