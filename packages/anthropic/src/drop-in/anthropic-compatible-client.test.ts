import Anthropic, {
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  BadRequestError,
  OverloadedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import {
  AllProvidersFailedError,
  type Attempt,
  type ChatRequest,
  type ChatResult,
  DeadlineExceededError,
  InvalidRequestError,
  routingInfo,
  StreamInterruptedError,
} from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { createAnthropicCompatibleClient } from './anthropic-compatible-client.js';
import type { RouterStream, RouterStreamEvent } from './to-anthropic-stream.js';

const attempts: Attempt[] = [
  { provider: 'anthropic', model: 'claude-haiku-4-5', outcome: 'rate_limit', status: 429, durationMs: 3 },
  { provider: 'openai', model: 'gpt-5.4-mini', outcome: 'success', durationMs: 9 },
];
const result: ChatResult = {
  text: 'It is 18C.',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17, cachedInputTokens: 2 },
  costUsd: 0.00003,
  provider: 'openai',
  model: 'gpt-5.4-mini',
  attempts,
};
const params = { model: 'auto', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Weather?' }] };

function routerStream(events: RouterStreamEvent[], final: ChatResult, failAfter?: Error): RouterStream {
  return {
    result: Promise.resolve(final),
    async *[Symbol.asyncIterator]() {
      yield* events;
      if (failAfter) throw failAfter;
    },
  };
}

describe('createAnthropicCompatibleClient', () => {
  it('is a real Anthropic client that code typed against the SDK accepts', async () => {
    const client = createAnthropicCompatibleClient({ chat: async () => result });
    expect(client).toBeInstanceOf(Anthropic);
    const typed: Pick<Anthropic, 'messages'> = client;
    const message = await typed.messages.create(params);
    expect(message.content).toEqual([{ type: 'text', text: 'It is 18C.', citations: null }]);
  });

  it("returns Anthropic's Message with routing info hidden from its enumerable shape", async () => {
    let seen: ChatRequest | undefined;
    const client = createAnthropicCompatibleClient({
      chat: async (request) => {
        seen = request;
        return result;
      },
    });
    const message = await client.messages.create(params);
    expect(seen).toMatchObject({ maxTokens: 100, messages: [{ role: 'user', content: 'Weather?' }] });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'gpt-5.4-mini',
      content: [{ type: 'text', text: 'It is 18C.', citations: null }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 2 },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(Object.keys(message)).not.toContain('spillway');
    expect(routingInfo(message)).toEqual({
      provider: 'openai',
      model: 'gpt-5.4-mini',
      attempts,
      costUsd: 0.00003,
    });
  });

  it('throws the SDK error classes with status and type', async () => {
    const failing = (error: Error) => createAnthropicCompatibleClient({ chat: () => Promise.reject(error) });
    const rateLimited = new AllProvidersFailedError('every candidate is rate limited', {
      attempts: [attempts[0] as Attempt],
      retryAfterMs: 2500,
    });
    const caught = await failing(rateLimited)
      .messages.create(params)
      .catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(RateLimitError);
    expect(caught).toMatchObject({ status: 429, type: 'rate_limit_error', cause: rateLimited });
    expect((caught as APIError).headers?.get('retry-after')).toBe('3');
    expect(routingInfo(caught)?.attempts).toEqual([attempts[0]]);

    const overloaded = new AllProvidersFailedError('overloaded', {
      attempts: [{ provider: 'anthropic', model: 'm', outcome: 'overloaded', status: 529, durationMs: 1 }],
    });
    await expect(failing(overloaded).messages.create(params)).rejects.toBeInstanceOf(OverloadedError);
    await expect(
      failing(new InvalidRequestError('messages: empty', { field: 'messages' })).messages.create(params),
    ).rejects.toBeInstanceOf(BadRequestError);
    await expect(
      failing(new DeadlineExceededError('deadline', { attempts: [] })).messages.create(params),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    // Bad params fail before the router is called, with the SDK's 400.
    const badParams = {
      ...params,
      messages: [{ role: 'user' as const, content: [{ type: 'document' as const }] }],
    };
    await expect(failing(new Error('unreached')).messages.create(badParams as never)).rejects.toMatchObject({
      status: 400,
      type: 'invalid_request_error',
    });
  });

  it('throws APIUserAbortError when the caller aborts', async () => {
    const controller = new AbortController();
    const client = createAnthropicCompatibleClient({
      chat: (request) =>
        new Promise((_, reject) =>
          request.signal?.addEventListener('abort', () => reject(request.signal?.reason)),
        ),
    });
    const pending = client.messages.create(params, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('streams Anthropic events: text, tool use, then stop reason and usage', async () => {
    const toolCall = {
      id: 'toolu_9',
      name: 'weather',
      arguments: { city: 'Paris' },
      rawArguments: '{"city":"Paris"}',
    };
    const final = { ...result, toolCalls: [toolCall], finishReason: 'tool-calls' as const };
    const client = createAnthropicCompatibleClient({
      chat: () => Promise.reject(new Error('unused')),
      stream: () =>
        routerStream(
          [
            { type: 'text-delta', text: 'Let me ' },
            { type: 'text-delta', text: 'check.' },
            { type: 'tool-call', toolCall },
            { type: 'finish', finishReason: 'tool-calls' },
          ],
          final,
        ),
    });
    const stream = await client.messages.create({ ...params, stream: true });
    const events: RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[6]).toEqual({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' },
    });
    expect(events[8]).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { input_tokens: 10, output_tokens: 5 },
    });
  });

  it('streams tool input in the fragments the provider sent, one block per call', async () => {
    const first = {
      id: 'call_1',
      name: 'weather',
      arguments: { city: 'Oslo' },
      rawArguments: '{"city":"Oslo"}',
    };
    const second = { id: 'call_2', name: 'time', arguments: {}, rawArguments: '{}' };
    // As the OpenAI adapter streams two calls: every fragment by index, then each whole call.
    const events: RouterStreamEvent[] = [
      { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'weather', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Oslo"}' },
      { type: 'tool-call-delta', index: 1, id: 'call_2', name: 'time', argumentsDelta: '{}' },
      { type: 'tool-call', toolCall: first },
      { type: 'tool-call', toolCall: second },
    ];
    const client = createAnthropicCompatibleClient({
      chat: () => Promise.reject(new Error('unused')),
      stream: () =>
        routerStream(events, { ...result, text: '', toolCalls: [first, second], finishReason: 'tool-calls' }),
    });
    const stream = client.messages.stream(params);
    const seen: string[] = [];
    stream.on('streamEvent', (event) => {
      const delta = event.type === 'content_block_delta' ? event.delta : undefined;
      seen.push(delta?.type === 'input_json_delta' ? `${event.type}:${delta.partial_json}` : event.type);
    });
    const message = await stream.finalMessage();
    expect(seen).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta:{"city":',
      'content_block_delta:"Oslo"}',
      'content_block_stop',
      'content_block_start',
      'content_block_delta:{}',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(message.content).toMatchObject([
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_2', name: 'time', input: {} },
    ]);
  });

  it('rejects create() when the stream fails before content, and throws in-band after it', async () => {
    const failed = new AllProvidersFailedError('all 429', { attempts: [attempts[0] as Attempt] });
    const early = createAnthropicCompatibleClient({
      chat: () => Promise.reject(new Error('unused')),
      stream: () => routerStream([], result, failed),
    });
    await expect(early.messages.create({ ...params, stream: true })).rejects.toBeInstanceOf(RateLimitError);

    const cut = new StreamInterruptedError('stream cut', {
      partialText: 'It',
      attempts,
      failure: 'stream_cut',
    });
    const late = createAnthropicCompatibleClient({
      chat: () => Promise.reject(new Error('unused')),
      stream: () => routerStream([{ type: 'text-delta', text: 'It' }], result, cut),
    });
    const stream = await late.messages.create({ ...params, stream: true });
    const error = await (async () => {
      for await (const _ of stream);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: undefined, type: 'api_error' });
    expect((error as Error).message).toContain('stream cut');
  });
});
