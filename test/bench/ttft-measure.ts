import { createRouter } from '@llm-router/core';
import { openai } from '@llm-router/openai';
import { startSimulatedProvider } from '@llm-router/testing';
import OpenAI from 'openai';
import type { BenchRow } from './bench-module.js';

// Run by ttft.ts in a child process without the source condition, so the packages load from their
// builds (dist), as users run them. Prints the rows as JSON on stdout.

const WARMUP = 1_000;
const SAMPLES = 3_000;
const MODEL = 'gpt-5.4-mini';
const MESSAGES = [{ role: 'user' as const, content: 'Say hi.' }];
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const us = (ms: number) => (ms * 1_000).toFixed(0);

/** Milliseconds from the call to its first piece of text; the rest of the stream is read, untimed. */
type Side = () => Promise<number>;

async function run(): Promise<BenchRow[]> {
  const resolved = import.meta.resolve('@llm-router/core');
  if (!resolved.endsWith('/dist/index.js'))
    throw new Error(`expected @llm-router/core from its build, got ${resolved}`);
  const sim = await startSimulatedProvider({ protocol: 'openai', replyTokens: 20 });
  const sdk = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
  const router = createRouter({
    providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: [MODEL] })],
  });
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
    await router.close();
    await sim.close();
  }
  const [alone, routed] = times.map(sorted) as [number[], number[]];
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
