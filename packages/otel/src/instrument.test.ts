// instrument() with the real OpenTelemetry SDK (in-memory span exporter and metric reader) over a
// router whose adapters call simulated OpenAI and Anthropic servers through the official SDKs.
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type HistogramMetricData,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { anthropic } from '@spillway/anthropic';
import {
  type AdapterResult,
  type ChatRequest,
  createRouter,
  memoryCache,
  type Router,
  type RouterOptions,
  StreamInterruptedError,
} from '@spillway/core';
import { FakeClock, scriptedAdapter } from '@spillway/core/testing';
import { openai } from '@spillway/openai';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type InstrumentOptions, instrument } from './instrument.js';

const PROMPT = 'Tell me about the lighthouse keeper named Ottoline Brackwater.';
const OPENAI = { provider: 'openai', model: 'gpt-5.4-mini' };
const ANTHROPIC = { provider: 'anthropic', model: 'claude-haiku-4-5' };
const ANSWER: AdapterResult = {
  text: 'ok',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 20, outputTokens: 2, totalTokens: 22 },
};
const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [
    { role: 'system', content: 'Answer in one line.' },
    { role: 'user', content: PROMPT },
  ],
  model: [OPENAI, ANTHROPIC],
  maxTokens: 32,
  ...overrides,
});

let openaiSim: SimulatedProvider;
let anthropicSim: SimulatedProvider;
let router: Router;
let spans: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let metricExporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;
let stop: () => void;
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  [openaiSim, anthropicSim] = await Promise.all([
    startSimulatedProvider({ protocol: 'openai', replyTokens: 12 }),
    startSimulatedProvider({ protocol: 'anthropic', replyTokens: 12 }),
  ]);
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});

afterAll(async () => {
  context.disable();
  await Promise.all([openaiSim.close(), anthropicSim.close()]);
});

function start(
  options: Omit<InstrumentOptions, 'tracerProvider' | 'meterProvider'> = {},
  openaiLimits?: { maxConcurrent: number },
  routerOptions: Partial<RouterOptions> = {},
  sampler?: Sampler,
) {
  router = createRouter({
    ...routerOptions,
    providers: [
      openai({
        apiKey: openaiSim.apiKey,
        baseURL: openaiSim.baseURL,
        models: [OPENAI.model],
        ...(openaiLimits ? { limits: openaiLimits } : {}),
      }),
      anthropic({ apiKey: anthropicSim.apiKey, baseURL: anthropicSim.baseURL, models: [ANTHROPIC.model] }),
    ],
  });
  spans = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
    ...(sampler ? { sampler } : {}),
  });
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  meterProvider = new MeterProvider({ readers: [reader] });
  stop = instrument(router, { tracerProvider, meterProvider, ...options });
}

beforeEach(() => {
  openaiSim.setFaults({});
  anthropicSim.setFaults({});
});

afterEach(async () => {
  stop();
  await router.close();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});

async function collectMetrics(): Promise<MetricData[]> {
  metricExporter.reset();
  await reader.forceFlush();
  return metricExporter
    .getMetrics()
    .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
}

function metric(all: MetricData[], name: string): MetricData {
  const found = all.find((item) => item.descriptor.name === name);
  if (!found) throw new Error(`no metric ${name}; got ${all.map((item) => item.descriptor.name).join(', ')}`);
  return found;
}

const histogramPoints = (data: MetricData) => (data as HistogramMetricData).dataPoints;
const byName = (name: string) => spans.getFinishedSpans().filter((span) => span.name.startsWith(name));
const childrenOf = (parent: ReadableSpan) =>
  spans.getFinishedSpans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);

describe('instrument()', () => {
  it('a 429 that falls back: one request span under the caller, two attempt children, usage in the histogram', async () => {
    start();
    // A minute's Retry-After: the cooldown gauge still shows it when the metrics are read on a slow machine.
    openaiSim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 60_000 }] });
    const outer = tracerProvider.getTracer('app');
    const result = await outer.startActiveSpan('handle ticket', async (span) => {
      try {
        return await router.chat(request());
      } finally {
        span.end();
      }
    });
    expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual([
      'openai:rate_limit',
      'anthropic:success',
    ]);

    const [user] = byName('handle ticket');
    const requests = byName('chat');
    expect(requests).toHaveLength(1);
    const span = requests[0] as ReadableSpan;
    expect(span.name).toBe('chat gpt-5.4-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.parentSpanContext?.spanId).toBe(user?.spanContext().spanId);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'gpt-5.4-mini',
      'gen_ai.request.max_tokens': 32,
      'gen_ai.response.model': 'claude-haiku-4-5',
      'gen_ai.response.finish_reasons': [result.finishReason],
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      'spillway.attempts': 2,
      'spillway.fallbacks': 1,
      'spillway.cost_usd': result.costUsd,
      'spillway.stream': false,
    });
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);

    const attempts = childrenOf(span).sort(
      (a, b) => Number(a.attributes['spillway.attempt']) - Number(b.attributes['spillway.attempt']),
    );
    expect(attempts.map((attempt) => attempt.name)).toEqual([
      'attempt openai/gpt-5.4-mini',
      'attempt anthropic/claude-haiku-4-5',
    ]);
    expect(attempts[0]?.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-5.4-mini',
      'spillway.failure': 'rate_limit',
      'error.type': 'rate_limit',
      'spillway.http_status': 429,
    });
    expect(attempts[0]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[1]?.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.model': 'claude-haiku-4-5',
    });
    expect(attempts[1]?.attributes['spillway.failure']).toBeUndefined();

    const all = await collectMetrics();
    const tokens = histogramPoints(metric(all, 'gen_ai.client.token.usage'));
    const sum = (type: string) =>
      tokens
        .filter((point) => point.attributes['gen_ai.token.type'] === type)
        .reduce((total, point) => total + (point.value.sum ?? 0), 0);
    expect(sum('input')).toBe(result.usage.inputTokens);
    expect(sum('output')).toBe(result.usage.outputTokens);
    expect(tokens[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'gpt-5.4-mini',
      'gen_ai.response.model': 'claude-haiku-4-5',
    });
    expect(histogramPoints(metric(all, 'gen_ai.client.operation.duration'))[0]?.value.count).toBe(1);
    expect(metric(all, 'spillway.rate_limited').dataPoints).toMatchObject([
      { value: 1, attributes: { 'spillway.provider': 'openai', 'spillway.failure': 'rate_limit' } },
    ]);
    expect(metric(all, 'spillway.fallbacks').dataPoints).toMatchObject([
      {
        value: 1,
        attributes: {
          'spillway.failure': 'rate_limit',
          'spillway.from.provider': 'openai',
          'spillway.to.provider': 'anthropic',
        },
      },
    ]);
    // The 429 put openai's model on a cooldown; the gauges read router.stats() when collected.
    const cooldowns = metric(all, 'spillway.cooldowns.active').dataPoints;
    expect(cooldowns.find((point) => point.attributes['spillway.provider'] === 'openai')?.value).toBe(1);
    expect(cooldowns.find((point) => point.attributes['spillway.provider'] === 'anthropic')?.value).toBe(0);
    expect(metric(all, 'spillway.circuit.state').dataPoints.map((point) => point.value)).toEqual([0, 0]);
    // No attempt waited for capacity, so the queue-wait histogram has nothing.
    expect(all.find((item) => item.descriptor.name === 'spillway.queue.wait')?.dataPoints ?? []).toEqual([]);
  });

  it('a hedged request: both racing attempts are children of the request, the loser cancelled, not an error', async () => {
    const clock = new FakeClock();
    start({}, undefined, { clock, hedge: { afterMs: 500 } });
    // OpenAI takes the call and never answers; the hedge goes to Anthropic.
    openaiSim.setFaults({ script: ['timeout'] });
    const pending = router.chat(request());
    await vi.waitFor(() => expect(openaiSim.stats().inFlight).toBe(1));
    await clock.advance(500);
    const result = await pending;
    expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual([
      'anthropic:success',
      'openai:cancelled',
    ]);
    await vi.waitFor(() => expect(byName('attempt')).toHaveLength(2));
    const [span] = byName('chat');
    const attempts = childrenOf(span as ReadableSpan).sort(
      (a, b) => Number(a.attributes['spillway.attempt']) - Number(b.attributes['spillway.attempt']),
    );
    expect(attempts.map((attempt) => attempt.name)).toEqual([
      'attempt openai/gpt-5.4-mini',
      'attempt anthropic/claude-haiku-4-5',
    ]);
    expect(attempts[0]?.attributes['spillway.failure']).toBe('cancelled');
    expect(attempts[0]?.attributes['error.type']).toBeUndefined();
    expect(attempts[0]?.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(attempts[1]?.attributes).toMatchObject({
      'spillway.hedge': true,
      'gen_ai.response.model': 'claude-haiku-4-5',
    });
    expect(attempts[1]?.attributes['spillway.failure']).toBeUndefined();
    expect(span?.attributes).toMatchObject({
      'gen_ai.response.model': 'claude-haiku-4-5',
      'spillway.attempts': 2,
    });
  });

  it('a hedged request the first attempt still wins: its span gets the answer, the hedge is cancelled', async () => {
    start();
    const clock = new FakeClock();
    // In memory on the fake clock: x answers at 1 s, the hedge on y (started at 0.5 s) would at 2 s.
    const raced = createRouter({
      clock,
      hedge: { afterMs: 500 },
      providers: [
        scriptedAdapter({
          name: 'a',
          clock,
          models: [{ id: 'x', inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.1 }],
          script: { x: [{ reply: 'from x', latencyMs: 1_000 }] },
        }),
        scriptedAdapter({
          name: 'b',
          clock,
          models: [{ id: 'y' }],
          script: { y: [{ reply: 'from y', latencyMs: 2_000 }] },
        }),
      ],
    });
    const dispose = instrument(raced, { tracerProvider, meterProvider });
    try {
      const pending = raced.chat(request({ model: undefined }));
      await clock.advance(1_000);
      const result = await pending;
      expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual([
        'a:success',
        'b:cancelled',
      ]);
      const [span] = byName('chat');
      const attempts = childrenOf(span as ReadableSpan);
      expect(attempts.map((attempt) => attempt.name).sort()).toEqual(['attempt a/x', 'attempt b/y']);
      const first = attempts.find((attempt) => attempt.name === 'attempt a/x');
      const hedge = attempts.find((attempt) => attempt.name === 'attempt b/y');
      expect(first?.attributes['gen_ai.response.model']).toBe('x');
      expect(first?.attributes['spillway.failure']).toBeUndefined();
      expect(hedge?.attributes).toMatchObject({ 'spillway.hedge': true, 'spillway.failure': 'cancelled' });
      expect(hedge?.attributes['gen_ai.response.model']).toBeUndefined();
    } finally {
      dispose();
      await raced.close();
    }
  });

  it('an attempt that waited for capacity is in spillway.queue.wait and on its span', async () => {
    start({}, { maxConcurrent: 1 });
    await Promise.all([router.chat(request({ model: OPENAI })), router.chat(request({ model: OPENAI }))]);
    const waits = histogramPoints(metric(await collectMetrics(), 'spillway.queue.wait'));
    expect(waits).toHaveLength(1);
    expect(waits[0]?.attributes).toEqual({ 'spillway.provider': 'openai', 'spillway.model': 'gpt-5.4-mini' });
    expect(waits[0]?.value.count).toBe(1);
    expect(waits[0]?.value.sum).toBeGreaterThan(0);
    const waited = byName('attempt').filter((span) => span.attributes['spillway.waited_ms'] !== undefined);
    expect(waited).toHaveLength(1);
  });

  it('a cache hit: spillway.cache on the span, no attempt child, counted in spillway.cache.hits, no tokens', async () => {
    start({}, undefined, { cache: memoryCache() });
    const first = await router.chat(request({ model: OPENAI }));
    const again = await router.chat(request({ model: OPENAI }));
    expect([first.cache, again.cache]).toEqual(['miss', 'hit']);
    const [miss, hit] = byName('chat');
    expect(miss?.attributes['spillway.cache']).toBe('miss');
    expect(hit?.attributes['spillway.cache']).toBe('hit');
    expect(hit?.attributes['spillway.cost_usd']).toBe(0);
    expect(childrenOf(hit as ReadableSpan)).toHaveLength(0);
    const metrics = await collectMetrics();
    const hits = metric(metrics, 'spillway.cache.hits').dataPoints as Array<{ value: number }>;
    expect(hits.reduce((sum, point) => sum + point.value, 0)).toBe(1);
    const tokens = histogramPoints(metric(metrics, 'gen_ai.client.token.usage'));
    expect(tokens.every((point) => point.value.count === 1)).toBe(true);
  });

  it('spillway.budget.remaining reads each spend budget left in its window, with its tenant', async () => {
    start({}, undefined, {
      budgets: [{ name: 'daily', limitUsd: 1, window: 'day' }],
      tenants: { acme: { budgets: [{ name: 'monthly', limitUsd: 0.5, window: 'month' }] } },
    });
    const result = await router.chat(request({ model: OPENAI, tenant: 'acme' }));
    expect(result.costUsd).toBeGreaterThan(0);
    const points = metric(await collectMetrics(), 'spillway.budget.remaining').dataPoints;
    expect(points.map((point) => [point.attributes, point.value])).toEqual([
      [{ 'spillway.budget': 'daily' }, expect.closeTo(1 - result.costUsd, 12)],
      [
        { 'spillway.budget': 'tenant:acme/monthly', 'spillway.tenant': 'acme' },
        expect.closeTo(0.5 - result.costUsd, 12),
      ],
    ]);
  });

  it('a stream records time to first chunk on the span and in the histogram', async () => {
    start();
    const stream = router.stream(request({ model: ANTHROPIC }));
    for await (const _ of stream);
    const result = await stream.result;
    const [span] = byName('chat');
    expect(span?.name).toBe('chat claude-haiku-4-5');
    expect(span?.attributes['spillway.stream']).toBe(true);
    expect(span?.attributes['gen_ai.request.stream']).toBe(true);
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(result.usage.outputTokens);
    const ttft = histogramPoints(
      metric(await collectMetrics(), 'gen_ai.client.operation.time_to_first_chunk'),
    );
    expect(ttft).toHaveLength(1);
    expect(ttft[0]?.value.count).toBe(1);
    expect(ttft[0]?.attributes).toMatchObject({ 'gen_ai.provider.name': 'anthropic' });
  });

  it('a stream cut after content: the request span has error.type, its attempt the failure class', async () => {
    start();
    openaiSim.setFaults({ script: [{ outcome: 'cutMidStream', afterChunks: 2 }] });
    const stream = router.stream(request({ model: OPENAI }));
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toSatisfy(StreamInterruptedError.isInstance);
    await stream.result.catch(() => {});
    const [span] = byName('chat');
    expect(span?.attributes['error.type']).toBe('stream_interrupted');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'stream_interrupted' });
    expect(childrenOf(span as ReadableSpan).map((attempt) => attempt.attributes['error.type'])).toEqual([
      'stream_cut',
    ]);
    const duration = histogramPoints(metric(await collectMetrics(), 'gen_ai.client.operation.duration'));
    expect(duration[0]?.attributes['error.type']).toBe('stream_interrupted');
  });

  it('records neither the key nor the prompt anywhere unless asked; with recordContent, the prompt but never the key', async () => {
    const scan = async () => {
      openaiSim.setFaults({ script: ['rateLimit'] });
      await router.chat(request());
      const exported = JSON.stringify({
        spans: spans.getFinishedSpans().map((span) => ({
          name: span.name,
          attributes: span.attributes,
          events: span.events,
          status: span.status,
        })),
        metrics: await collectMetrics(),
      });
      return exported;
    };
    start();
    let exported = await scan();
    for (const secret of [openaiSim.apiKey, anthropicSim.apiKey, PROMPT, 'Ottoline', 'Answer in one line'])
      expect(exported).not.toContain(secret);
    stop();
    await router.close();

    start({ recordContent: true });
    exported = await scan();
    for (const secret of [openaiSim.apiKey, anthropicSim.apiKey]) expect(exported).not.toContain(secret);
    const [span] = byName('chat');
    expect(JSON.parse(String(span?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: PROMPT }] },
    ]);
    expect(JSON.parse(String(span?.attributes['gen_ai.system_instructions']))).toEqual([
      { type: 'text', content: 'Answer in one line.' },
    ]);
    expect(JSON.parse(String(span?.attributes['gen_ai.output.messages']))).toMatchObject([
      { role: 'assistant', parts: [{ type: 'text' }], finish_reason: 'stop' },
    ]);
  });

  it('semconv latest: the genai main-branch metric names', async () => {
    start({ semconv: 'latest' });
    const result = await router.chat(request({ model: ANTHROPIC }));
    // Set only on streams, as the conventions ask.
    expect(byName('chat')[0]?.attributes['gen_ai.request.stream']).toBeUndefined();
    const all = await collectMetrics();
    const names = all.map((item) => item.descriptor.name);
    expect(names).toContain('gen_ai.client.inference.duration');
    expect(names).not.toContain('gen_ai.client.token.usage');
    expect(names).not.toContain('gen_ai.client.operation.duration');
    expect(metric(all, 'gen_ai.client.inference.usage.input_tokens').dataPoints[0]?.value).toBe(
      result.usage.inputTokens,
    );
    expect(metric(all, 'gen_ai.client.inference.usage.output_tokens').dataPoints[0]?.value).toBe(
      result.usage.outputTokens,
    );
    expect(histogramPoints(metric(all, 'gen_ai.client.inference.operation.input_tokens'))[0]?.value.sum).toBe(
      result.usage.inputTokens,
    );
  });

  // Above the 1,024 tokens a provider needs before it caches: the first call writes the prefix, the second reads it.
  // The simulator remembers prefixes for its whole life: each test caches a manual of its own.
  const cachedPrompt = (manual: string) =>
    request({
      model: OPENAI,
      messages: [
        {
          role: 'system',
          content: `Answer from the ${manual} manual.\n${'alpha beta gamma delta '.repeat(400)}`,
        },
        { role: 'user', content: PROMPT },
      ],
    });

  it('prompt-cache writes and reads: on the request spans and in token usage, never counted twice as input', async () => {
    start();
    const first = await router.chat(cachedPrompt('boiler'));
    const second = await router.chat(cachedPrompt('boiler'));
    const written = first.usage.cacheWriteInputTokens ?? 0;
    const read = second.usage.cachedInputTokens ?? 0;
    expect(written).toBeGreaterThan(0);
    expect(read).toBeGreaterThan(0);
    const [one, two] = byName('chat');
    expect(one?.attributes['gen_ai.usage.cache_creation.input_tokens']).toBe(written);
    expect(two?.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(read);

    const tokens = histogramPoints(metric(await collectMetrics(), 'gen_ai.client.token.usage'));
    const sum = (key: string, type: string) =>
      tokens
        .filter((point) => point.attributes[key] === type)
        .reduce((total, point) => total + (point.value.sum ?? 0), 0);
    // Input counts cached tokens once (the conventions' input includes them); the cache points say how many.
    expect(sum('gen_ai.token.type', 'input')).toBe(first.usage.inputTokens + second.usage.inputTokens);
    expect(sum('spillway.token.type', 'cache_write')).toBe(written);
    expect(sum('spillway.token.type', 'cache_read')).toBe(read);
    for (const point of tokens.filter((item) => item.attributes['spillway.token.type'] !== undefined)) {
      expect(point.attributes['gen_ai.token.type']).toBeUndefined();
      expect(point.attributes).toMatchObject({
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'chat',
      });
    }
  });

  it('semconv latest: cache writes under their new name, on the span and as a counter', async () => {
    start({ semconv: 'latest' });
    const first = await router.chat(cachedPrompt('lamp'));
    const written = first.usage.cacheWriteInputTokens ?? 0;
    expect(written).toBeGreaterThan(0);
    expect(byName('chat')[0]?.attributes['gen_ai.usage.cache_write.input_tokens']).toBe(written);
    const all = await collectMetrics();
    expect(metric(all, 'gen_ai.client.inference.usage.cache_write.input_tokens').dataPoints[0]?.value).toBe(
      written,
    );
  });

  it('reasoning tokens, when the result reports them: gen_ai.usage.reasoning.output_tokens on the request span', async () => {
    start();
    // No simulator reports reasoning tokens, so an in-memory adapter answers: with them, then without.
    const answers: AdapterResult[] = [
      { ...ANSWER, usage: { inputTokens: 20, outputTokens: 12, totalTokens: 32, reasoningTokens: 8 } },
      ANSWER,
    ];
    const thinking = createRouter({
      providers: [
        {
          specificationVersion: 'v1',
          name: 'thinker',
          kind: 'custom',
          models: [
            { id: 'deep', capability: 5, inputUsdPerMTok: 1, outputUsdPerMTok: 1, contextWindow: 8_000 },
          ],
          doGenerate: async () => answers.shift() as AdapterResult,
          doStream: async () => {
            throw new Error('not streamed here');
          },
        },
      ],
    });
    const dispose = instrument(thinking, { tracerProvider, meterProvider });
    try {
      await thinking.chat(request({ model: undefined }));
      await thinking.chat(request({ model: undefined }));
      const [reasoned, plain] = byName('chat');
      expect(reasoned?.attributes).toMatchObject({
        'gen_ai.usage.output_tokens': 12,
        'gen_ai.usage.reasoning.output_tokens': 8,
      });
      expect(plain?.attributes['gen_ai.usage.output_tokens']).toBe(2);
      expect(plain?.attributes).not.toHaveProperty('gen_ai.usage.reasoning.output_tokens');
    } finally {
      dispose();
      await thinking.close();
    }
  });

  it('a request whose trace is sampled out still counts in every metric', async () => {
    start({}, undefined, {}, new AlwaysOffSampler());
    const result = await router.chat(request({ model: ANTHROPIC }));
    expect(spans.getFinishedSpans()).toEqual([]);
    const all = await collectMetrics();
    expect(histogramPoints(metric(all, 'gen_ai.client.operation.duration'))[0]?.value.count).toBe(1);
    const tokens = histogramPoints(metric(all, 'gen_ai.client.token.usage'));
    expect(tokens.find((point) => point.attributes['gen_ai.token.type'] === 'input')?.value.sum).toBe(
      result.usage.inputTokens,
    );
  });

  it('OTEL_SEMCONV_STABILITY_OPT_IN with gen_ai_latest_experimental switches the names when no option is given', async () => {
    const before = process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
    process.env.OTEL_SEMCONV_STABILITY_OPT_IN = 'http, gen_ai_latest_experimental';
    try {
      start();
    } finally {
      if (before === undefined) delete process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
      else process.env.OTEL_SEMCONV_STABILITY_OPT_IN = before;
    }
    await router.chat(request({ model: ANTHROPIC }));
    const names = (await collectMetrics()).map((item) => item.descriptor.name);
    expect(names).toContain('gen_ai.client.inference.duration');
    expect(names).not.toContain('gen_ai.client.operation.duration');
  });

  it('the disposer stops tracing and ends nothing twice', async () => {
    start();
    stop();
    stop();
    await router.chat(request({ model: ANTHROPIC }));
    expect(spans.getFinishedSpans()).toEqual([]);
    const all = await collectMetrics();
    expect(
      all.find((item) => item.descriptor.name === 'spillway.cooldowns.active')?.dataPoints ?? [],
    ).toEqual([]);
  });
});
