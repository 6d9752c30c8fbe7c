import {
  type AdapterResult,
  type ChatRequest,
  createRouter,
  type ModelSpec,
  type ProviderAdapter,
} from '@spillway/core';
import { openaiCompatible } from '@spillway/openai';
import type { BenchRow } from './bench-module.js';
import { ascending, percentile } from './loopback.js';

// Run by routing-scale.ts in a child process without the source condition (see from-build.ts).
// Prints the rows as JSON on stdout.

const SIZES = [15, 100, 500] as const;
const TARGET_US: Record<(typeof SIZES)[number], number> = { 15: 20, 100: 40, 500: 120 };
const WARMUP = 3_000;
const SAMPLES = 10_000;

const RESULT: AdapterResult = {
  text: 'ok',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 20, outputTokens: 2, totalTokens: 22 },
};

/**
 * An OpenRouter-like catalog of `size` models: mixed vendors, capabilities 1–10, prices over three
 * orders of magnitude, context windows from 8k to 1M, and tools/vision/json support on some. Built
 * from a fixed sequence so every run ranks the same catalog.
 */
function catalog(size: number): ModelSpec[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const windows = [8_192, 32_768, 128_000, 200_000, 1_000_000];
  return Array.from({ length: size }, (_, index) => {
    const price = 0.02 * 10 ** (next() * 3);
    return {
      id: `vendor-${index % 40}/model-${index}`,
      capability: 1 + Math.floor(next() * 10),
      inputUsdPerMTok: Number(price.toFixed(4)),
      outputUsdPerMTok: Number((price * (2 + next() * 3)).toFixed(4)),
      contextWindow: windows[Math.floor(next() * windows.length)] as number,
      supports: { tools: next() < 0.7, vision: next() < 0.4, json: next() < 0.8, streaming: true },
    };
  });
}

/**
 * The catalog as `openaiCompatible` offers it, answering at once: the time per request is the
 * router's (validation, ranking, picking, admission, the attempt loop, stats), not the SDK's.
 */
function offered(size: number): ProviderAdapter {
  const adapter = openaiCompatible({
    name: 'openrouter',
    baseURL: 'http://127.0.0.1:9/v1',
    models: catalog(size),
  });
  return {
    specificationVersion: adapter.specificationVersion,
    name: adapter.name,
    kind: adapter.kind,
    models: adapter.models,
    doGenerate: async () => RESULT,
    doStream: adapter.doStream,
  };
}

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' },
  ],
  maxTokens: 200,
  minCapability: 5,
  require: { tools: false },
};

async function measure(size: number): Promise<BenchRow> {
  const adapter = offered(size);
  const router = createRouter({ providers: [adapter] });
  const call = { model: 'x', messages: request.messages, signal: new AbortController().signal };
  const alone: number[] = [];
  const routed: number[] = [];
  try {
    for (let index = 0; index < WARMUP + SAMPLES; index++) {
      let started = performance.now();
      await adapter.doGenerate(call);
      if (index >= WARMUP) alone.push(performance.now() - started);
      started = performance.now();
      await router.chat(request);
      if (index >= WARMUP) routed.push(performance.now() - started);
    }
  } finally {
    await router.close();
  }
  const [a, r] = [ascending(alone), ascending(routed)];
  const p50 = (percentile(r, 50) - percentile(a, 50)) * 1_000;
  const p99 = (percentile(r, 99) - percentile(a, 99)) * 1_000;
  const target = TARGET_US[size as (typeof SIZES)[number]];
  return {
    case: `${size} offered models`,
    metrics: { 'p50 (µs)': p50.toFixed(1), 'p99 (µs)': p99.toFixed(1) },
    target: { text: `≤ ${target} µs p50`, met: p50 <= target },
  };
}

const rows: BenchRow[] = [];
for (const size of SIZES) rows.push(await measure(size));
process.stdout.write(`${JSON.stringify(rows)}\n`);
