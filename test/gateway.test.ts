// The gateway over the simulated providers, called by the official openai and @anthropic-ai/sdk
// clients exactly as they call api.openai.com and api.anthropic.com.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import { anthropic } from '@spillway/anthropic';
import { type ChatRequest, createRouter } from '@spillway/core';
import {
  type Gateway,
  type GatewayOptions,
  type GatewayStatus,
  hashKey,
  startGateway,
} from '@spillway/gateway';
import { openai } from '@spillway/openai';
import { startSimulatedProvider } from '@spillway/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { useTwoProviderRouter } from './two-provider-router.js';

const env = useTwoProviderRouter();
const KEY = 'sk-gw-team-a-0123456789';
const OTHER_KEY = 'sk-gw-team-b-9876543210';
let gateway: Gateway | undefined;
let seen: ChatRequest[] = [];

async function start(options: Partial<GatewayOptions> = {}): Promise<Gateway> {
  seen = [];
  const router = env.router;
  // Records what the translations hand the router (the real router still serves every call).
  const recording = {
    ...router,
    chat: (request: ChatRequest) => {
      seen.push(request);
      return router.chat(request);
    },
    stream: (request: ChatRequest) => {
      seen.push(request);
      return router.stream(request);
    },
    stats: () => router.stats(),
    on: router.on,
  };
  gateway = await startGateway({
    router: recording,
    keys: [{ key: KEY, tenant: 'team-a' }, { sha256: hashKey(OTHER_KEY) }],
    ...options,
  });
  return gateway;
}

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const openaiClient = (url: string, apiKey = KEY) =>
  new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 });
const anthropicClient = (url: string, apiKey = KEY) => new Anthropic({ apiKey, baseURL: url, maxRetries: 0 });
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('gateway: OpenAI clients', () => {
  it('serves chat completions, streams, tool calls, responses and the model list, with the key tenant on each request', async () => {
    const { url } = await start();
    const client = openaiClient(url);
    const completion = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.model).toBe('gpt-5.4-mini');

    const stream = await client.chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage ??= chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    const tools = await client.chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'required',
    });
    expect(tools.choices[0]?.finish_reason).toBe('tool_calls');
    expect(tools.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather' },
    });

    const response = await client.responses.create({ model: 'auto', input: 'Hi' });
    expect(response.status).toBe('completed');
    expect(response.output_text.length).toBeGreaterThan(0);
    const events: string[] = [];
    for await (const event of await client.responses.create({ model: 'auto', input: 'Hi', stream: true }))
      events.push(event.type);
    expect(events[0]).toBe('response.created');
    expect(events).toContain('response.output_text.delta');
    expect(events.at(-1)).toBe('response.completed');

    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['auto', 'gpt-5.4-mini', 'claude-haiku-4-5']);
    expect(seen.map((request) => request.tenant)).toEqual(Array(seen.length).fill('team-a'));
    expect(seen).toHaveLength(5);
  });

  it('answers after a fallback when the first provider is rate limited: the client sees a normal 200', async () => {
    const { url } = await start();
    env.openaiSim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5000 }] });
    const completion = await openaiClient(url).chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.model).toBe('claude-haiku-4-5');
    expect(env.openaiSim.stats().rateLimited).toBe(1);
  });

  it('ends a stream that breaks after content with an in-band error the SDK throws, never a clean end', async () => {
    const { url } = await start();
    env.openaiSim.setFaults({ script: [{ outcome: 'cutMidStream', afterChunks: 2 }] });
    const stream = await openaiClient(url).chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });

  it('refuses a wrong or missing key with OpenAI’s 401, and a key-less gateway refuses everyone unless anonymous is allowed', async () => {
    const { url } = await start();
    const wrong = await openaiClient(url, 'sk-not-a-key')
      .chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((wrong as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: 'invalid_api_key' });
    const hashed = await openaiClient(url, OTHER_KEY).chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(hashed.choices).toHaveLength(1);
    expect(seen.at(-1)?.tenant).toBeUndefined();
    await gateway?.close();

    const closed = await start({ keys: [] });
    const refused = await openaiClient(closed.url)
      .models.list()
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    await closed.close();
    const open = await start({ keys: [], allowAnonymous: true });
    const listed = await fetch(`${open.url}/v1/models`);
    expect(listed.status).toBe(200);
    expect(env.openaiSim.stats().requests + env.anthropicSim.stats().requests).toBe(1);
  });

  it('answers bad JSON with 400 and an oversized body with 413, in OpenAI’s error shape', async () => {
    const { url } = await start({ maxBodyBytes: 2048 });
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const bad = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: '{"model":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: /not valid JSON/ },
    });
    const big = await openaiClient(url)
      .chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(4096) }] })
      .catch((caught: unknown) => caught);
    expect(big).toBeInstanceOf(OpenAI.APIError);
    expect((big as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((big as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: 'request_too_large' });
    expect(env.openaiSim.stats().requests + env.anthropicSim.stats().requests).toBe(0);
  });

  it('frames chat SSE as data lines ending in [DONE] on the wire (curl)', async () => {
    const { url } = await start();
    const { stdout } = await promisify(execFile)('curl', [
      '-sN',
      `${url}/v1/chat/completions`,
      '-H',
      `authorization: Bearer ${KEY}`,
      '-H',
      'content-type: application/json',
      '-d',
      JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    ]).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return { stdout: '' };
      throw error;
    });
    if (!stdout) return; // no curl on this machine: the SDK tests above cover the stream
    const frames = stdout.split('\n\n').filter(Boolean);
    expect(frames.every((frame) => frame.startsWith('data: '))).toBe(true);
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(frames[0]?.slice(6) ?? '')).toMatchObject({ object: 'chat.completion.chunk' });
  });
});

describe('gateway: Anthropic clients', () => {
  it('serves messages, streams, tool use, count_tokens and the model list', async () => {
    const { url } = await start();
    const client = anthropicClient(url);
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.type).toBe('message');
    expect(message.content[0]?.type).toBe('text');

    const stream = client.messages.stream({
      model: 'auto',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(final.stop_reason).toBe('end_turn');

    const tools = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      ],
      tool_choice: { type: 'any' },
    });
    expect(tools.stop_reason).toBe('tool_use');
    expect(tools.content.find((block) => block.type === 'tool_use')).toMatchObject({ name: 'get_weather' });

    const short = await client.messages.countTokens({
      model: 'auto',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const long = await client.messages.countTokens({
      model: 'auto',
      messages: [{ role: 'user', content: 'Tell me a long story about rivers. '.repeat(50) }],
    });
    expect(short.input_tokens).toBeGreaterThan(0);
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens * 20);

    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((model) => model.id)).toEqual(['auto', 'gpt-5.4-mini', 'claude-haiku-4-5']);
    expect(models[0]).toMatchObject({ type: 'model' });
    expect(seen.map((request) => request.tenant)).toEqual(['team-a', 'team-a', 'team-a']);
  });

  it('answers a wrong key, bad JSON and an oversized body in Anthropic’s error shape', async () => {
    const { url } = await start({ maxBodyBytes: 2048 });
    const wrong = await anthropicClient(url, 'sk-not-a-key')
      .messages.create({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((wrong as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
    const headers = {
      'x-api-key': KEY,
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
    };
    const bad = await fetch(`${url}/v1/messages`, { method: 'POST', headers, body: 'not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const big = await anthropicClient(url)
      .messages.create({
        model: 'auto',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x'.repeat(4096) }],
      })
      .catch((caught: unknown) => caught);
    expect((big as InstanceType<typeof Anthropic.APIError>).status).toBe(413);
    expect((big as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: 'request_too_large' },
    });
  });

  it('ends a broken stream with an in-band error event the SDK throws', async () => {
    const { url } = await start();
    env.anthropicSim.setFaults({ script: [{ outcome: 'cutMidStream', afterChunks: 2 }] });
    const stream = await anthropicClient(url).messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(types).toContain('content_block_delta');
    expect(types).not.toContain('message_stop');
    expect(error).toBeInstanceOf(Anthropic.APIError);
  });
});

describe('gateway: router errors in each client’s shape', () => {
  it('answers a spent budget with 429 and retry-after in OpenAI’s (chat, stream, responses) and Anthropic’s shapes', async () => {
    const { openaiSim, anthropicSim } = env;
    const router = createRouter({
      clock: env.clock,
      budgets: [{ name: 'tiny', limitUsd: 1e-9, window: 'day' }],
      providers: [
        openai({ apiKey: openaiSim.apiKey, baseURL: openaiSim.baseURL, models: ['gpt-5.4-mini'] }),
        anthropic({
          apiKey: anthropicSim.apiKey,
          baseURL: anthropicSim.baseURL,
          models: ['claude-haiku-4-5'],
        }),
      ],
    });
    try {
      gateway = await startGateway({ router, keys: [{ key: KEY }] });
      const client = openaiClient(gateway.url);
      const messages = [{ role: 'user' as const, content: 'Hi' }];
      const calls = [
        client.chat.completions.create({ model: 'auto', messages, max_tokens: 50 }),
        client.chat.completions.create({ model: 'auto', messages, max_tokens: 50, stream: true }),
        client.responses.create({ model: 'auto', input: 'Hi', max_output_tokens: 50 }),
      ];
      for (const call of calls) {
        const error = await call.then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(OpenAI.RateLimitError);
        const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
        expect(rateLimit.code).toBe('budget_exceeded');
        expect(Number(rateLimit.headers?.get('retry-after'))).toBeGreaterThan(0);
        expect(Number(rateLimit.headers?.get('retry-after-ms'))).toBeGreaterThan(0);
      }
      const error = await anthropicClient(gateway.url)
        .messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      expect((error as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({
        type: 'error',
        error: { type: 'rate_limit_error' },
      });
      expect(
        Number((error as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')),
      ).toBeGreaterThan(0);
      expect(openaiSim.stats().requests + anthropicSim.stats().requests).toBe(0);
    } finally {
      await gateway?.close();
      gateway = undefined;
      await router.close();
    }
  });
});

describe('gateway: operations', () => {
  it('serves health, readiness, Prometheus metrics and a status that counts absorbed 429s and fallbacks', async () => {
    const { url } = await start({ clock: env.clock });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', inFlight: 1 });
    env.openaiSim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5000 }] });
    await openaiClient(url).chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE gen_ai_client_operation_duration histogram$/m);
    expect(text).toMatch(/^spillway_rate_limited_total\{[^}]*provider="openai"[^}]*\} 1$/m);
    expect(text).not.toContain(env.openaiSim.apiKey);

    const status = (await (await fetch(`${url}/status`)).json()) as GatewayStatus;
    expect(status).toMatchObject({
      draining: false,
      queueDepth: 0,
      totals: { requests: 2, successes: 1, rateLimited: 1, fallbacks: 1 },
    });
    const openaiModel = status.models.find((model) => model.provider === 'openai');
    expect(openaiModel).toMatchObject({ model: 'gpt-5.4-mini', circuit: 'closed', rateLimited: 1 });
    expect(openaiModel?.cooldownMs).toBe(5000);
    expect(openaiModel?.limits.requests?.capacity).toBeGreaterThan(0);
    expect(JSON.stringify(status)).not.toContain(env.openaiSim.apiKey);
  });
});

describe('gateway: admin key', () => {
  it('with adminKeys, /metrics, /status and /dashboard need one (header, or ?key= once then a cookie); health stays open', async () => {
    const ADMIN = 'sk-gw-ops-key-000111';
    const { url } = await start({ adminKeys: [{ sha256: hashKey(ADMIN) }] });
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, { headers, redirect: 'manual' });
    for (const path of ['/metrics', '/status', '/dashboard']) {
      expect((await get(path)).status).toBe(401);
      // A client's virtual key is not an admin key.
      expect((await get(path, { authorization: `Bearer ${KEY}` })).status).toBe(401);
    }
    expect((await get('/metrics', { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
    expect((await get('/status', { 'x-api-key': ADMIN })).status).toBe(200);
    expect((await get('/dashboard?key=wrong')).status).toBe(401);
    const login = await get(`/dashboard?key=${ADMIN}`);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/dashboard');
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(login.headers.get('set-cookie')).toContain('HttpOnly');
    expect((await get('/dashboard', { cookie })).status).toBe(200);
    expect((await get('/status', { cookie })).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
  });
});

describe('gateway: draining', () => {
  it('finishes every stream in flight when closed, and refuses new requests meanwhile', {
    timeout: 90_000,
  }, async () => {
    // The provider takes a while to start answering, so all 50 are in flight when close() is called.
    const sim = await startSimulatedProvider({
      protocol: 'openai',
      latency: { ttftMs: 1500, tokensPerSecond: 500 },
      replyTokens: 8,
    });
    const router = createRouter({
      providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: ['gpt-5.4-mini'] })],
    });
    const drained = await startGateway({ router, keys: [{ key: KEY }] });
    try {
      const client = openaiClient(drained.url);
      const pending = Array.from({ length: 50 }, () =>
        client.chat.completions.create({
          model: 'gpt-5.4-mini',
          messages: [{ role: 'user', content: 'Hi' }],
          stream: true,
        }),
      );
      // Close as soon as the gateway holds all 50 (none has started streaming yet).
      while (drained.inFlight() < 50 && sim.stats().requests < 50)
        await new Promise((resolve) => setImmediate(resolve));
      const closing = drained.close();
      const late = await fetch(`${drained.url}/readyz`).catch(() => undefined);
      expect(late === undefined || late.status === 503).toBe(true);
      const finishes = await Promise.all(
        pending.map(async (created) => {
          let finish: string | null | undefined;
          for await (const chunk of await created) finish = chunk.choices[0]?.finish_reason ?? finish;
          return finish;
        }),
      );
      await closing;
      expect(finishes).toEqual(Array(50).fill('stop'));
      expect(sim.stats().requests).toBe(50);
    } finally {
      await drained.close();
      await router.close();
      await sim.close();
    }
  });
});
