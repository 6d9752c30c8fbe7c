import { createRouter, type RouterOptions } from '@spillway/core';
import type { BenchRow } from './bench-module.js';
import { handWrittenRouter, type Outcome, sdkWithRetries } from './goodput-baselines.js';
import {
  BURST_LANES,
  BURST_REQUESTS,
  CONCURRENCY,
  type Fleet,
  ideal,
  LANES,
  type Lane,
  MAX_TOKENS,
  REQUESTS,
  requestMessages,
  spec,
  startFleet,
  TIME_SCALE,
} from './goodput-setup.js';

export const name = 'goodput';
export const description =
  `${REQUESTS} requests, ${CONCURRENCY} in flight, against three simulated providers (Groq, OpenAI and ` +
  `Anthropic protocols) with ${LANES.map((lane) => `${lane.rpm}`).join('/')} requests per minute, ` +
  `simulated minutes running ${TIME_SCALE}x fast. Times are simulated seconds. Goodput is completed requests ` +
  'per second as a share of the ideal (every lane busy from the first to the last request); cost is ' +
  'compared with the cheapest schedule that finishes in the ideal time. The cold bursts send ' +
  `${BURST_REQUESTS} requests at once to a fresh router over the Groq and OpenAI lanes alone, limits not ` +
  "configured: Groq's headers state no per-minute request limit, OpenAI's do. 429s list the total and " +
  'per provider, in lane order.';

type Sender = (index: number) => Promise<Outcome>;

function routerSender(fleet: Fleet, options: Partial<RouterOptions> = {}): Sender {
  const router = createRouter({
    providers: fleet.adapters,
    clock: fleet.clock,
    queue: { maxWaiting: Math.max(CONCURRENCY, BURST_REQUESTS) * 2 },
    ...options,
  });
  const lanes = new Map(fleet.adapters.map((adapter, index) => [adapter.name, index]));
  return async (index) => {
    try {
      const result = await router.chat({ messages: requestMessages(index), maxTokens: MAX_TOKENS });
      return { ok: true, result, lane: lanes.get(result.provider) ?? -1 };
    } catch (error) {
      return { ok: false, error: `${(error as { code?: string }).code}: ${(error as Error).message}` };
    }
  };
}

type Metrics = { goodput: number; lost: number; rateLimited: number; byLane: number[] };
type Shape = { lanes: readonly Lane[]; requests: number; concurrency: number };
const STEADY: Shape = { lanes: LANES, requests: REQUESTS, concurrency: CONCURRENCY };
const COLD_BURST: Shape = { lanes: BURST_LANES, requests: BURST_REQUESTS, concurrency: BURST_REQUESTS };

async function measure(
  label: string,
  knownLimits: boolean,
  make: (fleet: Fleet) => Sender,
  target?: (metrics: Metrics) => BenchRow['target'],
  shape: Shape = STEADY,
): Promise<BenchRow> {
  const { requests, concurrency } = shape;
  const fleet = await startFleet(knownLimits, shape.lanes);
  try {
    await fleet.warm();
    const send = make(fleet);
    const outcomes: Outcome[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const index = next++;
          outcomes[index] = await send(index);
        }
      }),
    );
    const wallMs = performance.now() - started;
    const simSeconds = (wallMs * TIME_SCALE) / 1_000;
    const completed = outcomes.filter((outcome) => outcome.ok) as Array<Extract<Outcome, { ok: true }>>;
    const lost = requests - completed.length;
    const byLane = fleet.sims.map((sim) => sim.stats().rateLimited);
    const rateLimited = byLane.reduce((sum, count) => sum + count, 0);
    let inputTokens = 0;
    let outputTokens = 0;
    let costUsd = 0;
    for (const { result, lane } of completed) {
      const model = spec(fleet.adapters[lane] ?? (fleet.adapters[0] as never));
      inputTokens += result.usage.inputTokens;
      outputTokens += result.usage.outputTokens;
      costUsd +=
        (result.usage.inputTokens * model.inputUsdPerMTok +
          result.usage.outputTokens * model.outputUsdPerMTok) /
        1e6;
    }
    const perRequest = fleet.adapters.map((adapter) => {
      const model = spec(adapter);
      const count = Math.max(1, completed.length);
      return (
        ((inputTokens / count) * model.inputUsdPerMTok + (outputTokens / count) * model.outputUsdPerMTok) /
        1e6
      );
    });
    const best = ideal(requests, perRequest, shape.lanes);
    const goodput = completed.length / simSeconds / (requests / Math.max(best.seconds, 1e-9));
    const firstError = outcomes.find((outcome) => !outcome.ok) as { error: string } | undefined;
    return {
      case: label,
      metrics: {
        'completion (s)': simSeconds.toFixed(1),
        'ideal (s)': best.seconds.toFixed(1),
        goodput: `${(goodput * 100).toFixed(1)}%`,
        '429s sent': `${rateLimited} (${byLane.join('/')})`,
        lost,
        'cost (USD)': costUsd.toFixed(5),
        'vs cheapest feasible': `${((costUsd / best.costUsd) * 100).toFixed(0)}%`,
        'wall (s)': (wallMs / 1_000).toFixed(1),
        ...(firstError ? { 'first error': firstError.error.slice(0, 80) } : {}),
      },
      ...(target ? { target: target({ goodput, lost, rateLimited, byLane }) } : {}),
    };
  } finally {
    await fleet.close();
  }
}

/**
 * Issue 21's target for learned limits: near the ideal, few 429s in all, and at most one from each
 * provider whose headers state its limits (in these lanes, every one but Groq, lane 0).
 */
function learnedTarget(m: Metrics): BenchRow['target'] {
  const headerLanes = m.byLane.slice(1);
  return {
    text: 'goodput >= 96%, 0 lost, <= 10 429s, <= 1 per provider stating its limits in headers',
    met: m.goodput >= 0.96 && m.lost === 0 && m.rateLimited <= 10 && headerLanes.every((count) => count <= 1),
  };
}

export async function run(): Promise<BenchRow[]> {
  return [
    await measure('spillway, limits configured', true, routerSender, (m) => ({
      text: 'goodput >= 95%, 0 lost, 0 429s',
      met: m.goodput >= 0.95 && m.lost === 0 && m.rateLimited === 0,
    })),
    await measure('spillway, limits learned from headers', false, routerSender, learnedTarget),
    await measure('cold burst, limits learned', false, routerSender, learnedTarget, COLD_BURST),
    await measure(
      'cold burst, learning: false (no slow start, no window)',
      false,
      (fleet) => routerSender(fleet, { learning: false }),
      undefined,
      COLD_BURST,
    ),
    await measure('hand-written: cheapest first, 60 s cooldown on 429, backoff', false, handWrittenRouter),
    await measure('groq-sdk alone on one provider, its own retries', false, sdkWithRetries),
  ];
}
