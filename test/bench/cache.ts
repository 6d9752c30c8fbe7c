// The response cache: what a hit costs in memory and on Redis over loopback, against the router's own
// cost for the same request; and a workload where 30% of prompts repeat, against the OpenAI simulator.
import {
  type AdapterResult,
  type ChatRequest,
  cacheKey,
  canonicalRequest,
  createRouter,
  memoryCache,
  type ProviderAdapter,
  type ResponseCache,
} from '@spillway/core';
import { openai } from '@spillway/openai';
import { redisCache } from '@spillway/redis';
import { startSimulatedProvider } from '@spillway/testing';
import { redisServerBinary, startRedisServer } from '../redis-server.js';
import type { BenchRow } from './bench-module.js';

export const name = 'cache';
export const description =
  'Hit latency: router.chat of a stored answer (memory, and Redis on loopback) vs. router.chat of the ' +
  'same request with no cache over an adapter that answers at once (the router’s own cost), per-percentile ' +
  'difference of 20 000 sequential calls (2 000 on Redis). Workload: 1 000 requests to the OpenAI ' +
  'simulator over HTTP, 16 in flight, 30% of them repeating an earlier prompt.';

const RESULT: AdapterResult = {
  text: 'A prince avenges his father and everybody dies.',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 30, outputTokens: 12, totalTokens: 42 },
};

function instant(): ProviderAdapter {
  return {
    specificationVersion: 'v1',
    name: 'instant',
    kind: 'bench',
    models: [3, 5, 7].map((capability) => ({
      id: `m${capability}`,
      capability,
      inputUsdPerMTok: capability,
      outputUsdPerMTok: capability * 4,
      contextWindow: 128_000,
    })),
    doGenerate: async () => RESULT,
    doStream: async () => ({ events: (async function* () {})() }),
  };
}

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' },
  ],
  maxTokens: 100,
  temperature: 0.7,
};

async function measure(samples: number, call: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let i = 0; i < Math.min(3_000, samples); i++) await call();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await call();
    times.push((performance.now() - start) * 1_000);
  }
  return times.sort((a, b) => a - b);
}

const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

function row(label: string, times: number[], target?: BenchRow['target']): BenchRow {
  return {
    case: label,
    metrics: { 'p50 (µs)': at(times, 0.5).toFixed(1), 'p99 (µs)': at(times, 0.99).toFixed(1) },
    ...(target ? { target } : {}),
  };
}

const minus = (a: number[], b: number[]) => a.map((time, index) => time - (b[index] ?? 0));

async function hitLatency(cache: ResponseCache, samples: number): Promise<number[]> {
  const router = createRouter({ providers: [instant()], cache });
  try {
    await router.chat(request);
    return await measure(samples, () => router.chat(request));
  } finally {
    await router.close();
  }
}

async function workload(): Promise<BenchRow[]> {
  const sim = await startSimulatedProvider({ protocol: 'openai', replyTokens: [20, 60] });
  const router = createRouter({
    providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: ['gpt-5.4-mini'] })],
    cache: memoryCache(),
  });
  try {
    const total = 1_000;
    // Deterministic: every tenth request of each ten, three repeat an earlier prompt.
    const prompts = Array.from({ length: total }, (_, index) =>
      index % 10 < 3 && index >= 10 ? `question ${(index * 7) % index}` : `question ${index}`,
    );
    let spent = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          const prompt = prompts[next++] as string;
          const result = await router.chat({ messages: [{ role: 'user', content: prompt }], maxTokens: 80 });
          spent += result.costUsd;
        }
      }),
    );
    const wallMs = performance.now() - started;
    const stats = router.stats().cache ?? { hits: 0, coalesced: 0, savedUsd: 0, misses: 0 };
    const calls = sim.stats().requests;
    return [
      {
        case: '1 000 requests, 30% repeated prompts (memory cache)',
        metrics: {
          'provider calls': calls,
          hits: stats.hits,
          coalesced: stats.coalesced,
          'spent (USD)': spent.toFixed(5),
          'saved (USD)': stats.savedUsd.toFixed(5),
          saved: `${((100 * stats.savedUsd) / (spent + stats.savedUsd)).toFixed(1)}%`,
          'wall (ms)': Math.round(wallMs),
        },
        target: { text: 'provider calls = distinct prompts (700)', met: calls === new Set(prompts).size },
      },
    ];
  } finally {
    await router.close();
    await sim.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  const plain = createRouter({ providers: [instant()] });
  const own = await measure(20_000, () => plain.chat(request));
  await plain.close();
  const memory = await hitLatency(memoryCache(), 20_000);
  const canonical = canonicalRequest(request);
  const keying = await measure(20_000, () => cacheKey(canonicalRequest(request)));
  const memoryOver = minus(memory, own);
  const rows: BenchRow[] = [
    row('router.chat, no cache (the router’s own cost)', own),
    row('canonical JSON + SHA-256 of the request', keying),
    row('memory hit', memory),
    row('memory hit over the router’s own cost', memoryOver, {
      text: 'p50 <= 10 µs',
      met: at(memoryOver, 0.5) <= 10,
    }),
  ];
  void canonical;
  if (redisServerBinary) {
    const server = await startRedisServer();
    const cache = redisCache({ url: server.url });
    try {
      const redis = await hitLatency(cache, 2_000);
      const redisOver = minus(
        redis,
        own.slice(0, redis.length).sort((a, b) => a - b),
      );
      rows.push(
        row('Redis hit (loopback)', redis, { text: 'p50 <= 400 µs', met: at(redis, 0.5) <= 400 }),
        row('Redis hit over the router’s own cost', redisOver),
      );
    } finally {
      await cache.close();
      await server.stop();
    }
  } else rows.push({ case: 'Redis hit: skipped (no redis-server on PATH)', metrics: {} });
  rows.push(...(await workload()));
  return rows;
}
