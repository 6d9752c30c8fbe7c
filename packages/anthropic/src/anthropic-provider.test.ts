import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { type AdapterCall, type AdapterStreamEvent, ProviderError } from '@spillway/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anthropic, nonStreamingTimeoutMs } from './anthropic-provider.js';

// A bare loopback server standing in for the API, so these tests see exactly what the SDK sends.
// Behaviour across failure modes is covered by the shared conformance suite on the simulated provider.
type Seen = { headers: IncomingHttpHeaders; body: Record<string, unknown> };
let seen: Seen[] = [];
let reply: (response: ServerResponse, body: Record<string, unknown>) => void = () => {};
const server = createServer((request, response) => {
  let text = '';
  request.on('data', (chunk) => (text += chunk));
  request.on('end', () => {
    const body = JSON.parse(text) as Record<string, unknown>;
    seen.push({ headers: request.headers, body });
    reply(response, body);
  });
});
let baseURL = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(() => {
  seen = [];
});

const RESET = '2030-01-01T00:00:00Z';
const limitHeaders = {
  'request-id': 'req_test',
  'anthropic-ratelimit-requests-limit': '50',
  'anthropic-ratelimit-requests-remaining': '49',
  'anthropic-ratelimit-requests-reset': RESET,
};

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...limitHeaders, ...headers });
  response.end(JSON.stringify(body));
}

const message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content: [{ type: 'text', text: 'Hello!' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 2 },
};

function call(overrides: Partial<AdapterCall> = {}): AdapterCall {
  return {
    model: 'claude-haiku-4-5',
    messages: [{ role: 'user', content: 'Hi' }],
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe('anthropic()', () => {
  it('describes itself from the catalog and the options', () => {
    const adapter = anthropic({ apiKey: 'k', name: 'claude-work', limits: { rpm: 50, inputTpm: 30_000 } });
    expect(adapter).toMatchObject({ name: 'claude-work', kind: 'anthropic', specificationVersion: 'v1' });
    expect(adapter.limits).toEqual({ rpm: 50, inputTpm: 30_000 });
    expect(adapter.models.map((model) => model.id)).toContain('claude-haiku-4-5');
    expect(anthropic({ models: ['claude-sonnet-5'] }).models.map((model) => model.id)).toEqual([
      'claude-sonnet-5',
    ]);
  });

  it('sends the converted request with the key, and maps the reply, headers and request id', async () => {
    reply = (response) => json(response, 200, message);
    const adapter = anthropic({ apiKey: 'sk-ant-test-key-123', baseURL, headers: { 'x-team': 'blue' } });
    const result = await adapter.doGenerate(call({ maxTokens: 100 }));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.body).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(seen[0]?.headers.authorization).toBe('Bearer sk-ant-test-key-123');
    expect(seen[0]?.headers['x-team']).toBe('blue');
    expect(result).toMatchObject({
      text: 'Hello!',
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
      requestId: 'req_test',
      rateLimit: { requests: { limit: 50, remaining: 49 } },
    });
  });

  // Only the request matters to the prompt-caching tests: a stream may fail once it was sent.
  const messageOrStreamError: typeof reply = (response, body) =>
    body.stream
      ? response
          .writeHead(500, limitHeaders)
          .end('{"type":"error","error":{"type":"api_error","message":"x"}}')
      : json(response, 200, message);

  it("promptCaching { ttl: '1h' } asks for the 1-hour prompt cache; '5m' for the default one", async () => {
    reply = messageOrStreamError;
    await anthropic({ apiKey: 'k', baseURL, promptCaching: { ttl: '1h' } }).doGenerate(call());
    await anthropic({ apiKey: 'k', baseURL, promptCaching: { ttl: '1h' } })
      .doStream(call())
      .catch(() => undefined);
    await anthropic({ apiKey: 'k', baseURL, promptCaching: { ttl: '5m' } }).doGenerate(call());
    await anthropic({ apiKey: 'k', baseURL, promptCaching: false }).doGenerate(call());
    expect(seen.map((item) => item.body.cache_control)).toEqual([
      { type: 'ephemeral', ttl: '1h' },
      { type: 'ephemeral', ttl: '1h' },
      { type: 'ephemeral' },
      undefined,
    ]);
    expect(() => anthropic({ promptCaching: { ttl: '2h' } as unknown as { ttl: '1h' } })).toThrow(
      expect.objectContaining({
        code: 'config_error',
        field: 'promptCaching',
        message: expect.stringMatching(/"2h"/),
      }),
    );
  });

  it('promptCaching asks for the 5-minute prompt cache on every request, streamed or not', async () => {
    reply = messageOrStreamError;
    const adapter = anthropic({ apiKey: 'k', baseURL, promptCaching: true });
    await adapter.doGenerate(call());
    await adapter.doStream(call()).catch(() => undefined);
    expect(seen.map((item) => item.body.cache_control)).toEqual([
      { type: 'ephemeral' },
      { type: 'ephemeral' },
    ]);
    expect(() => anthropic({ promptCaching: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'config_error', field: 'promptCaching' }),
    );
  });

  it('reads ANTHROPIC_API_KEY at the first call, not at creation', async () => {
    reply = (response) => json(response, 200, message);
    const previous = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const adapter = anthropic({ baseURL });
      process.env.ANTHROPIC_API_KEY = 'sk-ant-from-env-456';
      await adapter.doGenerate(call());
      expect(seen[0]?.headers.authorization).toBe('Bearer sk-ant-from-env-456');
    } finally {
      if (previous === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = previous;
    }
  });

  it('fails with an auth ProviderError naming the variable when no key is found', async () => {
    const previous = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const error = await anthropic({ baseURL })
        .doGenerate(call())
        .catch((caught: unknown) => caught);
      expect(ProviderError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ failure: 'auth', provider: 'anthropic' });
      expect((error as Error).message).toContain('ANTHROPIC_API_KEY');
      expect(seen).toHaveLength(0);
    } finally {
      if (previous !== undefined) process.env.ANTHROPIC_API_KEY = previous;
    }
  });

  it('never retries inside the SDK and reports the 429 with its headers', async () => {
    reply = (response) =>
      json(
        response,
        429,
        { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
        {
          'retry-after': '3',
        },
      );
    const error = await anthropic({ apiKey: 'k', baseURL })
      .doGenerate(call())
      .catch((caught: unknown) => caught);
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({
      failure: 'rate_limit',
      status: 429,
      retryAfterMs: 3000,
      requestId: 'req_test',
    });
    expect((error as ProviderError).rateLimit?.requests?.remaining).toBe(49);
  });

  it('sends a large non-streaming max_tokens instead of the SDK refusing it', async () => {
    reply = (response) => json(response, 200, message);
    await anthropic({ apiKey: 'k', baseURL }).doGenerate(call({ maxTokens: 64_000 }));
    expect(seen[0]?.body.max_tokens).toBe(64_000);
    expect(seen[0]?.headers['x-stainless-timeout']).toBe('1800');
    expect(nonStreamingTimeoutMs(64_000)).toBe(1_800_000);
    expect(nonStreamingTimeoutMs(21_333)).toBeUndefined();
  });

  it('uses a client passed in as is', async () => {
    reply = (response) => json(response, 200, message);
    const client = new Anthropic({ apiKey: 'sk-ant-own-client-789', baseURL, maxRetries: 0 });
    await anthropic({ client, headers: { 'anthropic-beta': 'test-beta' } }).doGenerate(call());
    expect(seen[0]?.headers.authorization).toBe('Bearer sk-ant-own-client-789');
    expect(seen[0]?.headers['anthropic-beta']).toBe('test-beta');
  });

  it('classifies a malformed 200 body as a server failure', async () => {
    reply = (response) => json(response, 200, { nothing: 'here' });
    await expect(anthropic({ apiKey: 'k', baseURL }).doGenerate(call())).rejects.toMatchObject({
      failure: 'server',
      status: 200,
    });
  });

  it('streams over SSE with headers read at the start', async () => {
    reply = (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', ...limitHeaders });
      const events = [
        {
          type: 'message_start',
          message: { ...message, content: [], usage: { input_tokens: 3, output_tokens: 1 } },
        },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi there' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } },
        { type: 'message_stop' },
      ];
      for (const event of events) response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      response.end();
    };
    const stream = await anthropic({ apiKey: 'k', baseURL }).doStream(call());
    expect(stream).toMatchObject({ requestId: 'req_test', rateLimit: { requests: { remaining: 49 } } });
    const events: AdapterStreamEvent[] = [];
    for await (const event of stream.events) events.push(event);
    expect(seen[0]?.body.stream).toBe(true);
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    });
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'Hi there' },
    ]);
  });

  it('rejects with the signal reason when the caller aborts', async () => {
    reply = () => {}; // never answers
    const controller = new AbortController();
    const pending = anthropic({ apiKey: 'k', baseURL }).doGenerate(call({ signal: controller.signal }));
    const reason = new Error('user cancelled');
    setImmediate(() => controller.abort(reason));
    await expect(pending).rejects.toBe(reason);
  });
});
