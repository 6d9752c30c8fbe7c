import type { BenchRow } from './bench-module.js';
import { ascending, drained, MESSAGES, MODEL, percentile, startLoopback } from './loopback.js';

// Run by ttft.ts in a child process without the source condition, so the packages load from their
// builds (dist), as users run them. Prints the rows as JSON on stdout.

const WARMUP = 1_000;
const SAMPLES = 3_000;
const us = (ms: number) => (ms * 1_000).toFixed(0);

/** Milliseconds from the call to its first piece of text; the rest of the stream is read, untimed. */
type Side = () => Promise<number>;

async function run(): Promise<BenchRow[]> {
  const { sdk, router, close } = await startLoopback(20);
  const sdkAlone: Side = async () => {
    const started = performance.now();
    let first = Number.NaN;
    const stream = await sdk.chat.completions.create({
      model: MODEL,
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream)
      if (Number.isNaN(first) && chunk.choices[0]?.delta?.content) first = performance.now() - started;
    return first;
  };
  const viaRouter: Side = async () => {
    const started = performance.now();
    let first = Number.NaN;
    for await (const event of router.stream({ messages: MESSAGES }))
      if (Number.isNaN(first) && event.type === 'text-delta') first = performance.now() - started;
    return first;
  };
  const times: [number[], number[]] = [[], []];
  try {
    for (let index = 0; index < WARMUP + SAMPLES; index++)
      for (const [side, call] of [sdkAlone, viaRouter].entries()) {
        const ttft = await call();
        await drained();
        if (index >= WARMUP) times[side]?.push(ttft);
      }
  } finally {
    await close();
  }
  const [alone, routed] = times.map(ascending) as [number[], number[]];
  const row = (label: string, values: number[]): BenchRow => ({
    case: label,
    metrics: { 'p50 (µs)': us(percentile(values, 50)), 'p99 (µs)': us(percentile(values, 99)) },
  });
  return [
    row('openai SDK alone: first text chunk', alone),
    row('router.stream + openai SDK: first text-delta', routed),
    {
      case: 'added by the router',
      metrics: {
        'p50 (µs)': us(percentile(routed, 50) - percentile(alone, 50)),
        'p99 (µs)': us(percentile(routed, 99) - percentile(alone, 99)),
      },
    },
  ];
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
