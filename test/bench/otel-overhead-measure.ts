// Run by otel-overhead.ts in a child process without the source condition, so the packages load from
// their builds (dist), as users run them. Prints the rows as JSON on stdout.
//
// What @spillway/otel adds to a request: router.chat over an adapter that answers at once, with and
// without instrument() on the real OpenTelemetry SDK kept in memory (spans batched into an in-memory
// exporter, metrics aggregated for an in-memory reader). Per-call times; the two routers alternate in
// rounds so machine load falls on both alike.
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

async function round(router: Router, calls: number, into: number[]): Promise<void> {
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

  const without: number[] = [];
  const withOtel: number[] = [];
  await round(bare, 2_000, []); // warm up
  await round(traced, 2_000, []);
  for (let r = 0; r < 20; r++) {
    await round(bare, 1_000, without);
    await round(traced, 1_000, withOtel);
    spans.reset(); // keep memory flat: the exporter would hold every span
  }
  const exported = await tracerProvider.forceFlush().then(() => spans.getFinishedSpans().length);
  stop();
  await Promise.all([bare.close(), traced.close(), tracerProvider.shutdown(), meterProvider.shutdown()]);
  if (exported === 0) throw new Error('instrumented router exported no spans');

  without.sort((a, b) => a - b);
  withOtel.sort((a, b) => a - b);
  const added = percentile(withOtel, 0.5) - percentile(without, 0.5);
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
      case: 'added by instrumentation (p50)',
      metrics: { p50: format(added) },
      target: { text: `≤ ${TARGET_US} µs p50`, met: added <= TARGET_US },
    },
  ];
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
