// Property-based fuzzing of what callers hand the router: requests, router options and adapter
// options, valid and not. Every input must end in a result or one of the project's typed errors
// (RouterError subclasses): never a plain TypeError, never a synchronous throw from stream(), never an
// unhandled rejection, and never a call upstream for a request the router refused. The adapters are
// the real ones on their official SDKs; the SDK's `fetch` answers in memory and counts the calls, so
// the SDKs' own encoding and the adapters' conversion run on every fuzzed request (issue 14).
import Anthropic from '@anthropic-ai/sdk';
import { anthropic } from '@spillway/anthropic';
import {
  type ChatRequest,
  ConfigError,
  createRouter,
  InvalidRequestError,
  type ProviderAdapter,
  RouterError,
  type RouterOptions,
} from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import fc from 'fast-check';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SEED = 20261203;

// ---- an upstream in memory: canned answers in each wire format, and a count of calls -------------

let upstreamCalls = 0;

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
const sse = (frames: string[]) =>
  new Response(frames.join(''), { status: 200, headers: { 'content-type': 'text/event-stream' } });

function openaiFetch(_url: string | URL | Request, init?: RequestInit): Promise<Response> {
  upstreamCalls++;
  const body = JSON.parse(String(init?.body)) as { stream?: boolean; model: string };
  const base = { id: 'chatcmpl-fuzz', created: 0, model: body.model };
  if (!body.stream)
    return Promise.resolve(
      json({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      }),
    );
  const chunk = (delta: object, finish: string | null, usage?: object) =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
  return Promise.resolve(
    sse([
      chunk({ role: 'assistant', content: 'ok' }, null),
      chunk({}, 'stop', { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 }),
      'data: [DONE]\n\n',
    ]),
  );
}

function anthropicFetch(_url: string | URL | Request, init?: RequestInit): Promise<Response> {
  upstreamCalls++;
  const body = JSON.parse(String(init?.body)) as { stream?: boolean; model: string };
  const message = {
    id: 'msg_fuzz',
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: [{ type: 'text', text: 'ok' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 3, output_tokens: 1 },
  };
  if (!body.stream) return Promise.resolve(json(message));
  const event = (type: string, data: object) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return Promise.resolve(
    sse([
      event('message_start', { message: { ...message, content: [], stop_reason: null } }),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'ok' } }),
      event('content_block_stop', { index: 0 }),
      event('message_delta', {
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 1 },
      }),
      event('message_stop', {}),
    ]),
  );
}

const KEY = 'fuzz-key-0123456789abcdef';

function providers(): ProviderAdapter[] {
  const openaiClient = new OpenAI({
    apiKey: KEY,
    baseURL: 'http://upstream.invalid/v1',
    maxRetries: 0,
    fetch: openaiFetch,
  });
  const anthropicClient = new Anthropic({
    apiKey: KEY,
    baseURL: 'http://upstream.invalid',
    maxRetries: 0,
    fetch: anthropicFetch,
  });
  return [
    openai({ client: openaiClient, models: ['gpt-5.4-mini', 'gpt-5.4-nano'] }),
    anthropic({ client: anthropicClient, models: ['claude-haiku-4-5'] }),
  ];
}

// ---- generators ----------------------------------------------------------------------------------

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { type: 'object' };
  value.properties = { self: value };
  return value;
}

/** Anything a caller might pass where a value is expected, hostile values included. */
const junk = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, NaN, Infinity, -1, 0, 2 ** 31, 1.5, '', 'x', true, [], {}, 10n),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -5, max: 5 }),
  fc.constant(circular()),
  fc.constant(Symbol('s')),
  fc.constant(() => 1),
);
/** A valid value most of the time, otherwise junk (for options, where a router either is built or not). */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: junk });

const goodSchema = fc.constantFrom<Record<string, unknown>>(
  { type: 'object', properties: { q: { type: 'string' } } },
  { type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'] },
);
/** Values a schema or an arguments object must not be: JSON cannot encode them. */
const unencodable = fc.constantFrom<unknown>({ type: 'object', maximum: 10n }, circular(), {
  toJSON: () => 1n,
});

const part = fc.oneof(
  fc.record({ type: fc.constant('text'), text: fc.string({ maxLength: 20 }) }),
  fc.record({
    type: fc.constant('image'),
    url: fc.constantFrom('https://example.com/a.png', 'data:image/png;base64,AAAA'),
  }),
  // Valid for the router; Anthropic refuses image/bmp in its conversion (invalid_request, not up front).
  fc.record({
    type: fc.constant('image'),
    data: fc.constant('AAAA'),
    mediaType: fc.constantFrom('image/png', 'image/bmp'),
  }),
);

const message = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      role: fc.constantFrom('user', 'system'),
      content: fc.string({ minLength: 1, maxLength: 30 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      role: fc.constant('user'),
      content: fc.array(part, { minLength: 1, maxLength: 3 }),
    }),
  },
);

/** A tool-calling exchange: the assistant's call and the tool's answer. */
const exchange = fc.record({ q: fc.string({ maxLength: 8 }) }).map((args) => [
  { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: args }] },
  { role: 'tool', content: 'result', toolCallId: 'call_1' },
]);

const validRequest = fc
  .record(
    {
      messages: fc
        .tuple(fc.array(message, { minLength: 1, maxLength: 3 }), fc.option(exchange))
        .map(([messages, turn]) => [...messages, ...(turn ?? []), { role: 'user', content: 'go on' }]),
      model: fc.constantFrom<unknown>(
        'gpt-5.4-mini',
        'claude-haiku-4-5',
        ['gpt-5.4-nano', 'claude-haiku-4-5'],
        {
          provider: 'anthropic',
          model: 'claude-haiku-4-5',
        },
      ),
      maxTokens: fc.integer({ min: 1, max: 64 }),
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
      stop: fc.constantFrom<unknown>('END', ['a', 'b']),
      tools: goodSchema.map((parameters) => [{ name: 'lookup', description: 'finds things', parameters }]),
      toolChoice: fc.constantFrom<unknown>('auto', 'none', { name: 'lookup' }),
      responseFormat: fc.oneof(
        fc.constant<unknown>({ type: 'json' }),
        goodSchema.map((schema) => ({ type: 'json-schema', schema })),
      ),
      timeoutMs: fc.integer({ min: 5_000, max: 60_000 }),
      minCapability: fc.integer({ min: 1, max: 5 }),
      priority: fc.integer({ min: -3, max: 3 }),
      metadata: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
    },
    { requiredKeys: ['messages'] },
  )
  // toolChoice names a tool only when there are tools.
  .map((request) => (request.tools ? request : { ...request, toolChoice: undefined }));

/** Where a request can go wrong, each with what to put there. */
const corruptions: Array<[string, fc.Arbitrary<(request: Record<string, unknown>) => void>]> = [
  [
    'field',
    fc
      .tuple(
        fc.constantFrom(
          'messages',
          'model',
          'maxTokens',
          'temperature',
          'stop',
          'tools',
          'toolChoice',
          'responseFormat',
          'timeoutMs',
          'minCapability',
          'require',
          'priority',
          'metadata',
          'signal',
          'onInterrupt',
          'stallTimeoutMs',
        ),
        junk,
      )
      .map(([key, value]) => (request) => {
        request[key] = value;
      }),
  ],
  [
    'tool parameters',
    unencodable.map((parameters) => (request) => {
      request.tools = [{ name: 'lookup', parameters }];
    }),
  ],
  [
    'response schema',
    unencodable.map((schema) => (request) => {
      request.responseFormat = { type: 'json-schema', schema };
    }),
  ],
  [
    'tool call arguments',
    unencodable.map((value) => (request) => {
      (request.messages as unknown[]).unshift({
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'c', name: 'lookup', arguments: value }],
      });
    }),
  ],
  [
    'message',
    fc.tuple(fc.nat(3), junk).map(([index, value]) => (request) => {
      const messages = request.messages as unknown[];
      messages[index % messages.length] = value;
    }),
  ],
  [
    'part',
    fc
      .tuple(fc.constantFrom('text', 'url', 'data', 'mediaType', 'type'), junk)
      .map(([key, value]) => (request) => {
        const image: Record<string, unknown> = { type: 'image', url: 'https://example.com/a.png' };
        image[key] = value;
        (request.messages as unknown[]).push({ role: 'user', content: [image] });
      }),
  ],
];

/** Half the requests valid, half with one thing wrong. */
const request = fc
  .tuple(validRequest, fc.option(fc.oneof(...corruptions.map(([, corrupt]) => corrupt)), { freq: 2 }))
  .map(([valid, corrupt]) => {
    const copy: Record<string, unknown> = { ...valid, messages: [...valid.messages] };
    for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
    corrupt?.(copy);
    return copy;
  });

// ---- the property --------------------------------------------------------------------------------

type Ending =
  | { kind: 'result' }
  | { kind: 'typed'; error: RouterError }
  | { kind: 'untyped'; error: unknown };

function classify(error: unknown): Ending {
  return RouterError.isInstance(error) ? { kind: 'typed', error } : { kind: 'untyped', error };
}

async function endingOf(run: () => Promise<unknown>): Promise<Ending> {
  try {
    await run();
    return { kind: 'result' };
  } catch (error) {
    return classify(error);
  }
}

/** A refusal of the request itself, before any attempt: nothing may have gone upstream. */
const refusedUpFront = (ending: Ending) =>
  ending.kind === 'typed' &&
  InvalidRequestError.isInstance(ending.error) &&
  ending.error.attempts.length === 0;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

describe('fuzzed inputs end typed', () => {
  const router = createRouter({ providers: providers() });
  afterAll(() => router.close());

  it('chat(): a result or a RouterError; a refused request sends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const before = upstreamCalls;
        const ending = await endingOf(() => router.chat(input as ChatRequest));
        expect(ending.kind, String((ending as { error?: unknown }).error)).not.toBe('untyped');
        if (refusedUpFront(ending)) expect(upstreamCalls).toBe(before);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('stream(): never throws itself; iteration and result end alike, typed', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const before = upstreamCalls;
        let stream: ReturnType<typeof router.stream> | undefined;
        expect(() => {
          stream = router.stream(input as ChatRequest);
        }).not.toThrow();
        const iterated = await endingOf(async () => {
          for await (const _event of stream ?? []);
        });
        const result = await endingOf(() => stream?.result ?? Promise.resolve());
        expect(iterated.kind, String((iterated as { error?: unknown }).error)).not.toBe('untyped');
        expect(result.kind).toBe(iterated.kind);
        if (refusedUpFront(iterated)) expect(upstreamCalls).toBe(before);
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
  });

  it('createRouter() and the adapter factories: a router or a ConfigError', async () => {
    const limits = mostly(
      fc.record(
        {
          rpm: mostly(fc.integer({ min: 1, max: 600 })),
          tpm: mostly(fc.integer({ min: 1_000, max: 1e6 })),
          maxConcurrent: mostly(fc.integer({ min: 1, max: 8 })),
        },
        { requiredKeys: [] },
      ),
    );
    const adapterOptions = fc.record(
      {
        apiKey: mostly(fc.constant(KEY)),
        baseURL: mostly(fc.constantFrom('http://127.0.0.1:9/v1', 'not a url', 'ftp://x')),
        client: junk,
        name: mostly(fc.constantFrom('a', 'b')),
        models: mostly(
          fc.constantFrom<unknown>(['gpt-5.4-mini'], ['no-such-model'], [null], 'x', [
            { id: 'custom', capability: 3, inputUsdPerMTok: 1, outputUsdPerMTok: 1, contextWindow: 9000 },
          ]),
        ),
        limits,
        headers: mostly(fc.constant({ 'x-team': 'fuzz' })),
      },
      { requiredKeys: [] },
    );
    const routerOptions = fc.record(
      {
        strategy: mostly(fc.constantFrom('cheapest', 'most-capable', 'fastest')),
        maxAttempts: mostly(fc.integer({ min: 1, max: 6 })),
        timeoutMs: mostly(fc.integer({ min: 1, max: 2 ** 31 + 5 })),
        retry: mostly(
          fc.record(
            { baseDelayMs: mostly(fc.nat(1000)), maxDelayMs: mostly(fc.nat(10_000)) },
            { requiredKeys: [] },
          ),
        ),
        cooldown: mostly(
          fc.record(
            { defaultMs: mostly(fc.nat(10_000)), maxMs: mostly(fc.nat(2 ** 32)) },
            { requiredKeys: [] },
          ),
        ),
        breaker: mostly(
          fc.record(
            { volumeThreshold: mostly(fc.nat(10)), resetTimeoutMs: mostly(fc.nat(60_000)) },
            { requiredKeys: [] },
          ),
        ),
        queue: mostly(fc.record({ maxWaiting: mostly(fc.nat(100)) }, { requiredKeys: [] })),
        store: junk,
        logger: junk,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(openai, anthropic, groq),
        adapterOptions,
        routerOptions,
        async (factory, options, rest) => {
          let adapter: ProviderAdapter;
          try {
            adapter = (factory as (value: unknown) => ProviderAdapter)(options);
          } catch (error) {
            expect(ConfigError.isInstance(error), String(error)).toBe(true);
            return;
          }
          try {
            createRouter({ ...(rest as Partial<RouterOptions>), providers: [adapter] }).close();
          } catch (error) {
            expect(ConfigError.isInstance(error), String(error)).toBe(true);
          }
        },
      ),
      { seed: SEED + 2, numRuns: 200 },
    );
  });

  it('left no rejection unhandled', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });
});
