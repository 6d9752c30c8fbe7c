// Routing decision + admission with every resilience feature on (budgets learned from headers, a
// reserve fraction, cooldowns, an opossum breaker per model, the wait queue), around an adapter that
// answers at once, compared with calling that adapter directly. Also opossum's own cost per call.
import {
  type AdapterResult,
  createRouter,
  type ModelSpec,
  type ProviderAdapter,
  systemClock,
} from '@spillway/core';
import { BREAKER_DEFAULTS, ModelBreaker } from '@spillway/core/internal';
import type { BenchRow } from './bench-module.js';

export const name = 'admission';
export const description =
  'router.chat over an instant adapter with budgets (rpm/tpm configured and learned from headers every ' +
  'call), reserveFraction, cooldowns, breakers and the queue on, vs. the adapter alone; the same with ' +
  'tenants on (a weighted tenant with rpm/tpm of its own, reserved and settled every call); the same ' +
  "with tenants and spend budgets on (a global, a per-tenant and a per-model budget, and the tenant's own " +
  'monthly one, reserved and settled every call); and one ModelBreaker (opossum 9) slot acquired and ' +
  'settled. Per-call times from 20 000 sequential calls.';

const RESULT: AdapterResult = {
  text: 'ok',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 30, outputTokens: 5, totalTokens: 35 },
  rateLimit: {
    requests: { limit: 1e9, remaining: 1e9 - 1, resetMs: 1 },
    tokens: { limit: 1e12, remaining: 1e12 - 100, resetMs: 1 },
  },
};

function adapter(): ProviderAdapter {
  const models: ModelSpec[] = [3, 5, 7].map((capability) => ({
    id: `m${capability}`,
    capability,
    inputUsdPerMTok: capability,
    outputUsdPerMTok: capability * 4,
    contextWindow: 128_000,
    limits: { rpm: 1e9, tpm: 1e12 },
  }));
  return {
    specificationVersion: 'v1',
    name: 'instant',
    kind: 'bench',
    models,
    doGenerate: async () => RESULT,
    doStream: async () => ({ events: (async function* () {})() }),
  };
}

const SAMPLES = 20_000;

async function measure(
  call: () => Promise<unknown> | unknown,
): Promise<{ times: number[]; perSecond: number }> {
  for (let i = 0; i < 3_000; i++) await call();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await call();
    times.push((performance.now() - start) * 1_000);
  }
  const perSecond = SAMPLES / ((performance.now() - started) / 1_000);
  return { times: times.sort((a, b) => a - b), perSecond };
}

const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

function row(
  label: string,
  result: { times: number[]; perSecond: number },
  target?: BenchRow['target'],
): BenchRow {
  return {
    case: label,
    metrics: {
      'p50 (µs)': at(result.times, 0.5).toFixed(1),
      'p99 (µs)': at(result.times, 0.99).toFixed(1),
      'requests/s': Math.round(result.perSecond),
    },
    ...(target ? { target } : {}),
  };
}

export async function run(): Promise<BenchRow[]> {
  const direct = adapter();
  const router = createRouter({
    providers: [adapter()],
    budget: { reserveFraction: 0.05 },
    breaker: { volumeThreshold: 5 },
    queue: { maxWaiting: 100 },
  });
  const request = {
    messages: [{ role: 'user' as const, content: 'Summarise Hamlet in one line.' }],
    maxTokens: 50,
  };
  const tenanted = createRouter({
    providers: [adapter()],
    budget: { reserveFraction: 0.05 },
    breaker: { volumeThreshold: 5 },
    queue: { maxWaiting: 100 },
    tenants: { acme: { weight: 3, rpm: 1e9, tpm: 1e12 }, other: { weight: 1 } },
  });
  const tenantRequest = { ...request, tenant: 'acme' };
  const call = { model: 'm3', messages: request.messages, signal: new AbortController().signal };
  // Limits large enough never to refuse: the bench measures the reserve and settle, not a refusal.
  const spendRouter = createRouter({
    providers: [adapter()],
    budget: { reserveFraction: 0.05 },
    breaker: { volumeThreshold: 5 },
    queue: { maxWaiting: 100 },
    budgets: [
      { name: 'daily', limitUsd: 1e9, window: 'day' },
      { name: 'per-tenant', limitUsd: 1e9, window: 'hour', scope: 'tenant' },
      { name: 'per-model', limitUsd: 1e9, window: 60_000, scope: 'model' },
    ],
    tenants: {
      acme: {
        weight: 3,
        rpm: 1e9,
        tpm: 1e12,
        budgets: [{ name: 'monthly', limitUsd: 1e9, window: 'month' }],
      },
      other: { weight: 1 },
    },
  });
  try {
    const alone = await measure(() => direct.doGenerate(call));
    const routed = await measure(() => router.chat(request));
    const withTenants = await measure(() => tenanted.chat(tenantRequest));
    const overhead = {
      times: routed.times.map((time, index) => time - (alone.times[index] ?? 0)),
      perSecond: routed.perSecond,
    };
    const tenantOverhead = {
      times: withTenants.times.map((time, index) => time - (alone.times[index] ?? 0)),
      perSecond: withTenants.perSecond,
    };
    const budgeted = await measure(() => spendRouter.chat(tenantRequest));
    const budgetOverhead = {
      times: budgeted.times.map((time, index) => time - (alone.times[index] ?? 0)),
      perSecond: budgeted.perSecond,
    };
    const breaker = new ModelBreaker(BREAKER_DEFAULTS, systemClock, () => {});
    const slot = await measure(() => breaker.acquire(systemClock.now())?.succeed());
    breaker.close();
    const p50 = at(overhead.times, 0.5);
    const p99 = at(overhead.times, 0.99);
    const tenantP50 = at(tenantOverhead.times, 0.5);
    const budgetP50 = at(budgetOverhead.times, 0.5);
    return [
      row('adapter alone', alone),
      row('router.chat, every feature on', routed),
      row('router overhead (per-percentile difference)', overhead, {
        text: 'p50 <= 20 µs, p99 <= 100 µs, >= 20k req/s',
        met: p50 <= 20 && p99 <= 100 && routed.perSecond >= 20_000,
      }),
      row('router.chat, every feature on + tenant limits and weight', withTenants),
      row('router overhead with tenants (per-percentile difference)', tenantOverhead, {
        text: 'p50 <= 20 µs',
        met: tenantP50 <= 20,
      }),
      row('router.chat, every feature on + tenants and spend budgets', budgeted),
      row('router overhead with spend budgets (per-percentile difference)', budgetOverhead, {
        text: 'p50 <= 20 µs',
        met: budgetP50 <= 20,
      }),
      row('ModelBreaker acquire + succeed (opossum 9)', slot),
    ];
  } finally {
    await router.close();
    await tenanted.close();
    await spendRouter.close();
  }
}
