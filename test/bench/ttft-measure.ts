import type { BenchRow } from './bench-module.js';
import { ascending, drained, MESSAGES, MODEL, percentile, startLoopback } from './loopback.js';

// Run by ttft.ts in a child process without the source condition, so the packages load from their
// builds (dist), as users run them. Prints the rows as JSON on stdout.

// The router's functions run once per request, so V8 finishes optimizing them only after a few thousand
// streams: with 1,000 warm-up calls the added time still fell block by block (62, 23, 15, 14 µs per
// block of 1,000 calls, then flat; decision 2250). The verdict is about a warmed-up process.
const WARMUP = 3_000;
const SAMPLES = 4_000;
const BLOCK = 1_000;
const TARGET_US = 50;
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
  const blocks: string[] = [];
  for (let from = 0; from + BLOCK <= SAMPLES; from += BLOCK) {
    const [a, r] = times.map((side) => ascending(side.slice(from, from + BLOCK))) as [number[], number[]];
    blocks.push(us(percentile(r, 50) - percentile(a, 50)));
  }
  const [alone, routed] = times.map(ascending) as [number[], number[]];
  const added = (percentile(routed, 50) - percentile(alone, 50)) * 1_000;
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
      target: { text: `≤ ${TARGET_US} µs p50`, met: added <= TARGET_US },
    },
    {
      case: `added p50 in each block of ${BLOCK.toLocaleString('en-US')} calls (µs)`,
      metrics: { 'p50 (µs)': blocks.join(' / '), 'p99 (µs)': '' },
    },
  ];
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
