import { createRouter } from '@llm-router/core';
import { openai } from '@llm-router/openai';
import { scriptedAdapter, startSimulatedProvider } from '@llm-router/testing';
import OpenAI from 'openai';
import type { BenchRow } from './bench-module.js';

// Run by overhead.ts in a child process without the source condition, so the packages load from their
// builds (dist), as users run them. Prints the rows as JSON on stdout.

const WARMUP = 1_500;
const SAMPLES = 3_000;
const MESSAGES = [{ role: 'user' as const, content: 'Say hi.' }];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function row(label: string, samples: number[]): BenchRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  const us = (ms: number) => (ms * 1_000).toFixed(0);
  return {
    case: label,
    metrics: {
      'p50 (µs)': us(percentile(sorted, 50)),
      'p99 (µs)': us(percentile(sorted, 99)),
      'mean (µs)': us(mean),
    },
  };
}

// After an HTTP call resolves, undici still has ~45 µs of clean-up queued (closing the body stream,
// releasing the socket). It runs at the next await, whoever that is: code that awaits after the SDK (the
// router does) pays for it, and so does the call that follows one that did not, so an interleaved run
// charged the SDK-alone side's clean-up to the router. Each timed call therefore ends with one
// setImmediate, on both sides, so every call pays for its own clean-up and nothing else.
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

async function interleave(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  samples: number,
  drain: boolean,
) {
  const times: [number[], number[]] = [[], []];
  for (let index = 0; index < WARMUP + samples; index++) {
    for (const [side, call] of [a, b].entries()) {
      const started = performance.now();
      await call();
      if (drain) await drained();
      if (index >= WARMUP) times[side]?.push(performance.now() - started);
    }
  }
  return times;
}

function difference(label: string, base: number[], other: number[]): BenchRow {
  const p50 = (values: number[]) =>
    percentile(
      [...values].sort((x, y) => x - y),
      50,
    );
  const p99 = (values: number[]) =>
    percentile(
      [...values].sort((x, y) => x - y),
      99,
    );
  return {
    case: label,
    metrics: {
      'p50 (µs)': ((p50(other) - p50(base)) * 1_000).toFixed(0),
      'p99 (µs)': ((p99(other) - p99(base)) * 1_000).toFixed(0),
    },
  };
}

async function run(): Promise<BenchRow[]> {
  const resolved = import.meta.resolve('@llm-router/core');
  if (!resolved.endsWith('/dist/index.js'))
    throw new Error(`expected @llm-router/core from its build, got ${resolved}`);
  const sim = await startSimulatedProvider({ protocol: 'openai', replyTokens: 10 });
  const sdk = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
  const router = createRouter({
    providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: ['gpt-5.4-mini'] })],
  });
  const memory = scriptedAdapter({ name: 'memory', models: [{ id: 'm' }], respond: () => ({ reply: 'hi' }) });
  const memoryRouter = createRouter({ providers: [memory] });
  const call = { model: 'm', messages: MESSAGES, signal: new AbortController().signal };
  try {
    const [sdkAlone, viaRouter] = await interleave(
      () => sdk.chat.completions.create({ model: 'gpt-5.4-mini', messages: MESSAGES }),
      () => router.chat({ messages: MESSAGES }),
      SAMPLES,
      true,
    );
    const [adapterAlone, viaMemoryRouter] = await interleave(
      () => memory.doGenerate(call),
      () => memoryRouter.chat({ messages: MESSAGES }),
      SAMPLES * 3,
      false,
    );
    memory.calls.length = 0;
    return [
      row('HTTP: openai SDK alone', sdkAlone),
      row('HTTP: router + openai SDK', viaRouter),
      difference('HTTP: router overhead', sdkAlone, viaRouter),
      row('memory: adapter alone', adapterAlone),
      row('memory: router + adapter', viaMemoryRouter),
      difference('memory: router overhead', adapterAlone, viaMemoryRouter),
    ];
  } finally {
    await router.close();
    await memoryRouter.close();
    await sim.close();
  }
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
