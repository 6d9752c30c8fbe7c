// Telemetry: the router traced and measured with OpenTelemetry. Traces go to the console (one
// `chat {model}` span per request under the application's own span, one child per attempt); metrics
// are served for Prometheus at http://127.0.0.1:9464/metrics (METRICS_PORT to change it, 0 for any
// free port). An alert fires when more than 0.5% of attempts in five minutes got a 429.
//
//   pnpm tsx --conditions=@spillway/source examples/telemetry.ts
//   OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental pnpm tsx … examples/telemetry.ts   # newer names
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createRouter } from '@spillway/core';
import { instrument } from '@spillway/otel';
import { setup } from './setup.js';

// The SDK is the application's: here a console exporter for traces and a Prometheus endpoint for metrics.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())],
});
trace.setGlobalTracerProvider(tracerProvider);
const prometheus = new PrometheusExporter({ preventServerStart: true });
const meterProvider = new MeterProvider({ readers: [prometheus] });
const server = createServer((request, response) => prometheus.getMetricsRequestHandler(request, response));
await new Promise<void>((resolve) =>
  server.listen(Number(process.env.METRICS_PORT ?? 9464), '127.0.0.1', resolve),
);
const metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;

const { providers, close } = await setup([
  // One 429 asking for a minute's wait: openai's model stays cooling down while the metrics are read.
  {
    kind: 'openai',
    models: ['gpt-5.4-mini'],
    faults: { script: [{ outcome: 'rateLimit', retryAfterMs: 60_000 }] },
  },
  { kind: 'anthropic', models: ['claude-haiku-4-5'] },
]);
const router = createRouter({
  providers,
  alerts: [{ name: '429s', when: 'rate_limited_share', above: 0.005, windowMs: 5 * 60_000 }],
});
router.on('alert', (event) =>
  console.log(`ALERT ${event.name}: ${(event.share * 100).toFixed(1)}% of ${event.total} attempts`),
);
const stopTelemetry = instrument(router, { meterProvider });

try {
  const tracer = trace.getTracer('example-app');
  await tracer.startActiveSpan('agent turn', async (turn) => {
    const model = ['gpt-5.4-mini', 'claude-haiku-4-5'];
    const answer = await router.chat({
      messages: [{ role: 'user', content: 'Name one use of a token bucket.' }],
      model,
      maxTokens: 40,
    });
    console.log(`chat served by ${answer.provider}/${answer.model} after ${answer.attempts.length} attempts`);
    const stream = router.stream({
      messages: [{ role: 'user', content: 'And one use of a circuit breaker?' }],
      model,
      maxTokens: 40,
    });
    for await (const _event of stream);
    const streamed = await stream.result;
    console.log(`stream served by ${streamed.provider}/${streamed.model}`);
    turn.end();
  });

  const exposition = await (await fetch(metricsUrl)).text();
  console.log(`\nmetrics at ${metricsUrl} (the router's own, without comments):`);
  for (const line of exposition.split('\n'))
    if (/^(gen_ai|spillway)_/.test(line) && !line.includes('_bucket{')) console.log(line);
} finally {
  stopTelemetry();
  await router.close();
  await close();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
  server.close();
}
