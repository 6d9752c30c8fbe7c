// Run by otel-overhead.ts in a child process without the source condition, so the packages load from
// their builds (dist), as users run them. Prints the rows as JSON on stdout.
//
// What @spillway/otel adds to a request: router.chat over an adapter that answers at once, with and
// without instrument() on the real OpenTelemetry SDK kept in memory (spans batched into an in-memory
// exporter, metrics aggregated for an in-memory reader, as a production setup batches to an exporter
// and aggregates for a periodic reader). A third variant makes only the OpenTelemetry calls the
// contract needs, directly around a bare router call (the floor any instrumentation of it pays). Per-call
// times; the variants alternate in rounds so machine load falls on all alike.
import { type Attributes, context, SpanKind, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  type AdapterResult,
  type ChatRequest,
  createRouter,
  type ModelSpec,
  type ProviderAdapter,
  type Router,
} from '@spillway/core';
import { instrument } from '@spillway/otel';
import type { BenchRow } from './bench-module.js';

const TARGET_US = 10;
const RESULT: AdapterResult = {
  text: 'ok',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 20, outputTokens: 2, totalTokens: 22 },
};

function adapter(provider: string): ProviderAdapter {
  const models: ModelSpec[] = [3, 5, 7].map((capability) => ({
    id: `${provider}-m${capability}`,
    capability,
    inputUsdPerMTok: capability,
    outputUsdPerMTok: capability * 4,
    contextWindow: 128_000,
  }));
  return {
    specificationVersion: 'v1',
    name: provider,
    kind: 'bench',
    models,
    doGenerate: async () => RESULT,
    doStream: async () => {
      throw new Error('not used');
    },
  };
}

const request: ChatRequest = {
  messages: [{ role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' }],
  maxTokens: 100,
};

const routerOf = () => createRouter({ providers: ['a', 'b', 'c'].map(adapter) });

type Chat = Pick<Router, 'chat'>;

/**
 * The SDK calls instrument() makes for this request, made directly: the request span and its
 * attempt child with the same attributes, the adapter call in the attempt's context, and the three
 * histogram records the conventions ask for (duration, input and output tokens) on frozen attribute
 * objects. No router events, no bookkeeping: what is left is the SDK's own cost.
 */
function sdkCallsAlone(
  router: Router,
  tracerProvider: BasicTracerProvider,
  meterProvider: MeterProvider,
): Chat {
  const tracer = tracerProvider.getTracer('floor');
  const meter = meterProvider.getMeter('floor');
  const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  const tokens = meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' });
  const series = new Map<string, { base: Attributes; input: Attributes; output: Attributes }>();
  let requests = 0;
  return {
    chat: async (chatRequest) => {
      const started = performance.now();
      const parent = context.active();
      const span = tracer.startSpan('chat', { kind: SpanKind.CLIENT }, parent);
      span.setAttribute('gen_ai.operation.name', 'chat');
      span.setAttribute('gen_ai.request.max_tokens', 100);
      span.setAttribute('spillway.request_id', `floor-${++requests}`);
      span.setAttribute('spillway.stream', false);
      const requestContext = trace.setSpan(parent, span);
      // The bench's router always answers with its first candidate.
      const attempt = tracer.startSpan('attempt a/a-m7', { kind: SpanKind.INTERNAL }, requestContext);
      attempt.setAttribute('gen_ai.provider.name', 'a');
      attempt.setAttribute('gen_ai.request.model', 'a-m7');
      attempt.setAttribute('spillway.provider', 'a');
      attempt.setAttribute('spillway.attempt', 1);
      const result = await context.with(trace.setSpan(requestContext, attempt), () =>
        router.chat(chatRequest),
      );
      attempt.setAttribute('gen_ai.response.model', result.model);
      attempt.end();
      span.setAttribute('gen_ai.provider.name', result.provider);
      span.setAttribute('spillway.provider', result.provider);
      span.setAttribute('spillway.attempts', result.attempts.length);
      span.setAttribute('gen_ai.response.model', result.model);
      span.setAttribute('gen_ai.response.finish_reasons', [result.finishReason]);
      span.setAttribute('gen_ai.usage.input_tokens', result.usage.inputTokens);
      span.setAttribute('gen_ai.usage.output_tokens', result.usage.outputTokens);
      span.setAttribute('spillway.cost_usd', result.costUsd);
      let set = series.get(result.model);
      if (set === undefined) {
        const base = {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': result.provider,
          'gen_ai.response.model': result.model,
        };
        set = {
          base: Object.freeze(base),
          input: Object.freeze({ ...base, 'gen_ai.token.type': 'input' }),
          output: Object.freeze({ ...base, 'gen_ai.token.type': 'output' }),
        };
        series.set(result.model, set);
      }
      tokens.record(result.usage.inputTokens, set.input);
      tokens.record(result.usage.outputTokens, set.output);
      duration.record((performance.now() - started) / 1000, set.base);
      span.end();
      return result;
    },
  };
}

async function round(router: Chat, calls: number, into: number[]): Promise<void> {
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await router.chat(request);
    into.push((performance.now() - start) * 1000);
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.floor((sorted.length - 1) * p)] ?? NaN;

async function run(): Promise<BenchRow[]> {
  for (const name of ['@spillway/core', '@spillway/otel']) {
    const resolved = import.meta.resolve(name);
    if (!resolved.endsWith('/dist/index.js'))
      throw new Error(`expected ${name} from its build, got ${resolved}`);
  }
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(spans, { maxQueueSize: 100_000, scheduledDelayMillis: 200 })],
  });
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 1_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const bare = routerOf();
  const traced = routerOf();
  const stop = instrument(traced, { tracerProvider, meterProvider });
  const underFloor = routerOf();
  const floor = sdkCallsAlone(underFloor, tracerProvider, meterProvider);

  const without: number[] = [];
  const withOtel: number[] = [];
  const withFloor: number[] = [];
  await round(bare, 2_000, []); // warm up
  await round(traced, 2_000, []);
  await round(floor, 2_000, []);
  for (let r = 0; r < 20; r++) {
    await round(bare, 1_000, without);
    await round(traced, 1_000, withOtel);
    await round(floor, 1_000, withFloor);
    spans.reset(); // keep memory flat: the exporter would hold every span
  }
  const exported = await tracerProvider.forceFlush().then(() => spans.getFinishedSpans().length);
  stop();
  await Promise.all([
    bare.close(),
    traced.close(),
    underFloor.close(),
    tracerProvider.shutdown(),
    meterProvider.shutdown(),
  ]);
  if (exported === 0) throw new Error('instrumented router exported no spans');

  for (const times of [without, withOtel, withFloor]) times.sort((a, b) => a - b);
  const added = percentile(withOtel, 0.5) - percentile(without, 0.5);
  const floorAdded = percentile(withFloor, 0.5) - percentile(without, 0.5);
  const format = (value: number) => `${value.toFixed(2)} µs`;
  return [
    {
      case: 'router.chat, no instrumentation',
      metrics: { p50: format(percentile(without, 0.5)), p90: format(percentile(without, 0.9)) },
    },
    {
      case: 'router.chat, instrument() on the SDK in memory',
      metrics: { p50: format(percentile(withOtel, 0.5)), p90: format(percentile(withOtel, 0.9)) },
    },
    {
      case: 'router.chat + the same SDK calls made directly (the floor)',
      metrics: { p50: format(percentile(withFloor, 0.5)), p90: format(percentile(withFloor, 0.9)) },
    },
    {
      case: 'added by instrumentation (p50)',
      metrics: { p50: format(added) },
      target: { text: `≤ ${TARGET_US} µs p50`, met: added <= TARGET_US },
    },
    { case: 'added by the SDK calls alone (p50)', metrics: { p50: format(floorAdded) } },
  ];
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
