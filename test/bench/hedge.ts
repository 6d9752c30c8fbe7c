// Hedged requests against a provider with a slow tail. Real time: the simulators' latency timers are
// real milliseconds, and the tail (3 s) is what hedging is for, so nothing is scaled.
import { type ChatRequest, createRouter, type Router } from '@spillway/core';
import { openai } from '@spillway/openai';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import type { BenchRow } from './bench-module.js';
import { ascending, percentile } from './loopback.js';

export const name = 'hedge';
export const description =
  'Real time, two OpenAI simulators over HTTP: "tail" answers in 40 ms but in 3 s on 10% of calls ' +
  '(seeded), "healthy" in 60 ms. The tail model is cheaper, so every request goes to it first. 300 ' +
  'requests, 20 in flight, without hedging and with `hedge: { afterMs: 250 }`; the healthy ' +
  "provider's own p99 is measured alone (100 pinned calls). Both providers have rpm limits the " +
  'router knows (the simulators enforce them) and the router a spend budget: a hedge must fit both.';

const REQUESTS = 300;
const CONCURRENCY = 20;
const AFTER_MS = 250;
const HEALTHY_RPM = 600;
const TAIL = {
  id: 'gpt-4o-mini',
  capability: 5,
  inputUsdPerMTok: 0.15,
  outputUsdPerMTok: 0.6,
  contextWindow: 128_000,
};
const HEALTHY = {
  id: 'gpt-4o',
  capability: 5,
  inputUsdPerMTok: 2.5,
  outputUsdPerMTok: 10,
  contextWindow: 128_000,
};
const BUDGET_USD = 0.5;

const ask = (index: number): ChatRequest => ({
  messages: [{ role: 'user', content: `Question ${index}: name a colour.` }],
  maxTokens: 40,
});

type Fleet = { tail: SimulatedProvider; healthy: SimulatedProvider; router: Router };

async function fleet(hedge: boolean): Promise<Fleet> {
  const [tail, healthy] = await Promise.all([
    startSimulatedProvider({
      protocol: 'openai',
      latency: { ttftMs: 40, slow: { share: 0.1, ms: 3_000 } },
      limits: { rpm: 6_000 },
      replyTokens: 20,
      seed: 1,
    }),
    startSimulatedProvider({
      protocol: 'openai',
      latency: { ttftMs: 60 },
      limits: { rpm: HEALTHY_RPM },
      replyTokens: 20,
      seed: 2,
    }),
  ]);
  const router = createRouter({
    providers: [
      openai({
        name: 'tail',
        apiKey: tail.apiKey,
        baseURL: tail.baseURL,
        models: [TAIL],
        limits: { rpm: 6_000 },
      }),
      openai({
        name: 'healthy',
        apiKey: healthy.apiKey,
        baseURL: healthy.baseURL,
        models: [HEALTHY],
        limits: { rpm: HEALTHY_RPM },
      }),
    ],
    budgets: [{ name: 'bench', limitUsd: BUDGET_USD, window: 'day' }],
    ...(hedge ? { hedge: { afterMs: AFTER_MS } } : {}),
  });
  return { tail, healthy, router };
}

/** Latency of each call (ms), `concurrency` in flight. */
async function load(count: number, concurrency: number, call: (index: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      await call(index);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ascending(latencies);
}

async function healthyP99(): Promise<number> {
  const { tail, healthy, router } = await fleet(false);
  try {
    const pinned = (index: number) => router.chat({ ...ask(index), model: HEALTHY.id });
    await load(20, CONCURRENCY, pinned);
    return percentile(await load(100, CONCURRENCY, pinned), 99);
  } finally {
    await router.close();
    await Promise.all([tail.close(), healthy.close()]);
  }
}

async function measure(hedge: boolean) {
  const { tail, healthy, router } = await fleet(hedge);
  try {
    // Warm the SDK clients and connections on both sides, then count from zero.
    await Promise.all([
      router.chat({ ...ask(-1), model: TAIL.id, hedge: false }),
      router.chat({ ...ask(-2), model: HEALTHY.id, hedge: false }),
    ]);
    const warmCalls = tail.stats().requests + healthy.stats().requests;
    const spentBefore = router.stats().budgets?.bench?.spentUsd ?? 0;
    const started = performance.now();
    const latencies = await load(REQUESTS, CONCURRENCY, (index) => router.chat(ask(index)));
    const wallS = (performance.now() - started) / 1000;
    const calls = tail.stats().requests + healthy.stats().requests - warmCalls;
    const stats = router.stats();
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      extra: (calls - REQUESTS) / REQUESTS,
      hedges: (stats.providers.tail?.hedges ?? 0) + (stats.providers.healthy?.hedges ?? 0),
      rateLimited: tail.stats().rateLimited + healthy.stats().rateLimited,
      spent: (stats.budgets?.bench?.spentUsd ?? 0) - spentBefore,
      overBudget: (stats.budgets?.bench?.spentUsd ?? 0) > BUDGET_USD,
      wallS,
    };
  } finally {
    await router.close();
    await Promise.all([tail.close(), healthy.close()]);
  }
}

export async function run(): Promise<BenchRow[]> {
  const secondP99 = await healthyP99();
  const plain = await measure(false);
  const hedged = await measure(true);
  const row = (label: string, result: Awaited<ReturnType<typeof measure>>): BenchRow => ({
    case: label,
    metrics: {
      'p50 (ms)': result.p50.toFixed(0),
      'p99 (ms)': result.p99.toFixed(0),
      'max (ms)': result.max.toFixed(0),
      'extra calls': `${(result.extra * 100).toFixed(1)}%`,
      hedges: result.hedges,
      '429s': result.rateLimited,
      'spent (USD)': result.spent.toFixed(5),
      'wall (s)': result.wallS.toFixed(1),
    },
  });
  const limit = AFTER_MS + secondP99;
  const met = hedged.p99 <= limit && hedged.extra <= 0.12 && hedged.rateLimited === 0 && !hedged.overBudget;
  return [
    { case: `healthy alone (p99 ${secondP99.toFixed(0)} ms)`, metrics: { 'p99 (ms)': secondP99.toFixed(0) } },
    row('no hedging', plain),
    {
      ...row(`hedge afterMs ${AFTER_MS}`, hedged),
      target: {
        text: `p99 <= afterMs + healthy p99 (${limit.toFixed(0)} ms), extra calls <= 12%, 0 429s, within budget`,
        met,
      },
    },
  ];
}
