// The adapter's calls run inside the attempt span's context (router.wrapAttempts), so the spans an
// HTTP instrumentation or a custom adapter starts are children of the attempt. Real SDK, real
// AsyncLocalStorage context manager.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  type AdapterResult,
  type AdapterStreamEvent,
  createRouter,
  type ProviderAdapter,
  type Router,
} from '@spillway/core';
import { openai } from '@spillway/openai';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { instrument } from './instrument.js';

const RESULT: AdapterResult = {
  text: 'ok',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 },
};

const contextManager = new AsyncLocalStorageContextManager();
let spans: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let stop: (() => void) | undefined;
let router: Router | undefined;

beforeAll(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});

afterAll(() => {
  context.disable();
});

beforeEach(() => {
  spans = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
});

afterEach(async () => {
  stop?.();
  await router?.close();
  await tracerProvider.shutdown();
});

/** A custom adapter whose every call starts its own span in the active context, as user code would. */
function tracedAdapter(name: string, usdPerMTok: number, failFirst = false): ProviderAdapter {
  let calls = 0;
  const tracer = () => tracerProvider.getTracer('custom-adapter');
  return {
    specificationVersion: 'v1',
    name,
    kind: 'custom',
    models: [
      {
        id: 'm',
        capability: 5,
        inputUsdPerMTok: usdPerMTok,
        outputUsdPerMTok: usdPerMTok,
        contextWindow: 8_000,
      },
    ],
    doGenerate: (call) =>
      tracer().startActiveSpan(`${name} call`, async (span: Span) => {
        try {
          // Parallel requests interleave here; each must keep its own context across the await.
          await yieldToLoop();
          const inner = tracer().startSpan(`${name} after await`);
          inner.setAttribute('prompt.length', JSON.stringify(call.messages).length);
          inner.end();
          if (failFirst && calls++ === 0) throw Object.assign(new Error('overloaded'), { status: 503 });
          return RESULT;
        } finally {
          span.end();
        }
      }),
    doStream: async () => {
      const opened = tracer().startSpan(`${name} open stream`);
      opened.end();
      async function* events(): AsyncGenerator<AdapterStreamEvent> {
        tracer().startSpan(`${name} first read`).end();
        yield { type: 'text-delta', text: 'ok' };
        yield { type: 'finish', finishReason: 'stop', usage: RESULT.usage };
      }
      return { events: events() };
    },
  };
}

const finished = (name: string) => spans.getFinishedSpans().filter((span) => span.name === name);
const byId = (id: string | undefined) =>
  spans.getFinishedSpans().find((span) => span.spanContext().spanId === id) as ReadableSpan;
const parentOf = (span: ReadableSpan | undefined) => byId(span?.parentSpanContext?.spanId);

describe('adapter calls run in the attempt span context', () => {
  it("a custom adapter's spans are children of their attempt; parallel requests do not cross", async () => {
    router = createRouter({ providers: [tracedAdapter('a', 1)] });
    stop = instrument(router, { tracerProvider });
    const results = await Promise.all(
      [1, 2, 3].map(() => router?.chat({ messages: [{ role: 'user', content: 'hi' }] })),
    );
    expect(results).toHaveLength(3);

    const calls = finished('a call');
    const afterAwait = finished('a after await');
    expect(calls).toHaveLength(3);
    expect(afterAwait).toHaveLength(3);
    const requestIds = new Set<unknown>();
    for (const span of [...calls, ...afterAwait]) {
      const call = span.name === 'a call' ? span : parentOf(span);
      expect(call.name).toBe('a call');
      const attempt = parentOf(call);
      expect(attempt.name).toBe('attempt a/m');
      const request = parentOf(attempt);
      expect(request.name).toBe('chat');
      if (span === call) requestIds.add(request.attributes['spillway.request_id']);
    }
    // Three requests, each with its own attempt and its own adapter span.
    expect(requestIds.size).toBe(3);
    expect(new Set(calls.map((span) => parentOf(span).spanContext().spanId)).size).toBe(3);
    // Nothing leaks out into the caller's context.
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('after a fallback, each adapter span sits under its own attempt', async () => {
    router = createRouter({ providers: [tracedAdapter('a', 0.1, true), tracedAdapter('b', 1)] });
    stop = instrument(router, { tracerProvider });
    const result = await router.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['adapter_error', 'success']);
    const first = parentOf(finished('a call')[0]);
    const second = parentOf(finished('b call')[0]);
    expect([first.name, first.attributes['spillway.attempt']]).toEqual(['attempt a/m', 1]);
    expect([second.name, second.attributes['spillway.attempt']]).toEqual(['attempt b/m', 2]);
    expect(parentOf(first).spanContext().spanId).toBe(parentOf(second).spanContext().spanId);
  });

  it("a stream's open and its reads run under the attempt", async () => {
    router = createRouter({ providers: [tracedAdapter('a', 1)] });
    stop = instrument(router, { tracerProvider });
    const stream = router.stream({ messages: [{ role: 'user', content: 'hi' }] });
    for await (const _ of stream);
    await stream.result;
    for (const name of ['a open stream', 'a first read'])
      expect(parentOf(finished(name)[0]).name).toBe('attempt a/m');
  });

  describe('over real HTTP', () => {
    let sim: SimulatedProvider;
    beforeAll(async () => {
      sim = await startSimulatedProvider({ protocol: 'openai', replyTokens: 4 });
    });
    afterAll(async () => {
      await sim.close();
    });

    it("an HTTP client span (undici's diagnostics channel, as HTTP instrumentations use it) nests under the attempt", async () => {
      // What an undici instrumentation does: a span per request, started in the active context.
      const http: Array<{ span: Span; path: string }> = [];
      const onCreate = (message: unknown) => {
        const { request } = message as { request: { path: string; method: string } };
        const span = tracerProvider
          .getTracer('http')
          .startSpan(`HTTP ${request.method}`, {}, context.active());
        span.end();
        http.push({ span, path: request.path });
      };
      subscribe('undici:request:create', onCreate);
      try {
        router = createRouter({
          providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: ['gpt-5.4-mini'] })],
        });
        stop = instrument(router, { tracerProvider });
        await Promise.all([
          router.chat({ messages: [{ role: 'user', content: 'one' }] }),
          router.chat({ messages: [{ role: 'user', content: 'two' }] }),
        ]);
      } finally {
        unsubscribe('undici:request:create', onCreate);
      }
      const calls = http.filter((item) => item.path.endsWith('/chat/completions'));
      expect(calls).toHaveLength(2);
      const attempts = calls.map(({ span }) => parentOf(byId(span.spanContext().spanId)));
      expect(attempts.map((attempt) => attempt.name)).toEqual([
        'attempt openai/gpt-5.4-mini',
        'attempt openai/gpt-5.4-mini',
      ]);
      expect(attempts[0]?.spanContext().spanId).not.toBe(attempts[1]?.spanContext().spanId);
      // The HTTP span and its attempt belong to the same trace as the request span.
      for (const attempt of attempts)
        expect(parentOf(attempt).spanContext().traceId).toBe(attempt.spanContext().traceId);
    });
  });
});
