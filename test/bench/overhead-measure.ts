import { createRouter } from '@spillway/core';
import { scriptedAdapter } from '@spillway/testing';
import type { BenchRow } from './bench-module.js';
import { ascending, drained, MESSAGES, MODEL, percentile, startLoopback } from './loopback.js';

// Run by overhead.ts in a child process without the source condition, so the packages load from their
// builds (dist), as users run them. Prints the rows as JSON on stdout.

// Enough for V8 to finish optimising the router's once-per-request functions (decision 2250).
const WARMUP = 3_000;
const SAMPLES = 3_000;
const us = (ms: number) => (ms * 1_000).toFixed(0);

function row(label: string, samples: number[]): BenchRow {
  const sorted = ascending(samples);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return {
    case: label,
    metrics: {
      'p50 (µs)': us(percentile(sorted, 50)),
      'p99 (µs)': us(percentile(sorted, 99)),
      'mean (µs)': us(mean),
    },
  };
}

/** Times `a` and `b` alternately; over HTTP each call ends with `drained` (see loopback.ts). */
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
  const [baseSorted, otherSorted] = [ascending(base), ascending(other)];
  const at = (p: number) => us(percentile(otherSorted, p) - percentile(baseSorted, p));
  return { case: label, metrics: { 'p50 (µs)': at(50), 'p99 (µs)': at(99) } };
}

async function run(): Promise<BenchRow[]> {
  const { sdk, router, close } = await startLoopback(10);
  const memory = scriptedAdapter({ name: 'memory', models: [{ id: 'm' }], respond: () => ({ reply: 'hi' }) });
  const memoryRouter = createRouter({ providers: [memory] });
  const call = { model: 'm', messages: MESSAGES, signal: new AbortController().signal };
  try {
    const [sdkAlone, viaRouter] = await interleave(
      () => sdk.chat.completions.create({ model: MODEL, messages: MESSAGES }),
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
    await memoryRouter.close();
    await close();
  }
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
