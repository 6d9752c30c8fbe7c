import { createRouter } from '@spillway/core';
import type { BenchRow } from './bench-module.js';
import { handWrittenRouter, type Outcome, sdkWithRetries } from './goodput-baselines.js';
import {
  CONCURRENCY,
  type Fleet,
  ideal,
  LANES,
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
  'compared with the cheapest schedule that finishes in the ideal time.';

type Sender = (index: number) => Promise<Outcome>;

function routerSender(fleet: Fleet): Sender {
  const router = createRouter({
    providers: fleet.adapters,
    clock: fleet.clock,
    queue: { maxWaiting: CONCURRENCY * 2 },
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

async function measure(
  label: string,
  knownLimits: boolean,
  make: (fleet: Fleet) => Sender,
  target?: (metrics: { goodput: number; lost: number; rateLimited: number }) => BenchRow['target'],
): Promise<BenchRow> {
  const fleet = await startFleet(knownLimits);
  try {
    await fleet.warm();
    const send = make(fleet);
    const outcomes: Outcome[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          const index = next++;
          outcomes[index] = await send(index);
        }
      }),
    );
    const wallMs = performance.now() - started;
    const simSeconds = (wallMs * TIME_SCALE) / 1_000;
    const completed = outcomes.filter((outcome) => outcome.ok) as Array<Extract<Outcome, { ok: true }>>;
    const lost = REQUESTS - completed.length;
    const rateLimited = fleet.sims.reduce((sum, sim) => sum + sim.stats().rateLimited, 0);
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
    const best = ideal(REQUESTS, perRequest);
    const goodput = completed.length / simSeconds / (REQUESTS / Math.max(best.seconds, 1e-9));
    const firstError = outcomes.find((outcome) => !outcome.ok) as { error: string } | undefined;
    return {
      case: label,
      metrics: {
        'completion (s)': simSeconds.toFixed(1),
        'ideal (s)': best.seconds.toFixed(1),
        goodput: `${(goodput * 100).toFixed(1)}%`,
        '429s sent': rateLimited,
        lost,
        'cost (USD)': costUsd.toFixed(5),
        'vs cheapest feasible': `${((costUsd / best.costUsd) * 100).toFixed(0)}%`,
        'wall (s)': (wallMs / 1_000).toFixed(1),
        ...(firstError ? { 'first error': firstError.error.slice(0, 80) } : {}),
      },
      ...(target ? { target: target({ goodput, lost, rateLimited }) } : {}),
    };
  } finally {
    await fleet.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  return [
    await measure('spillway, limits configured', true, routerSender, (m) => ({
      text: 'goodput >= 95%, 0 lost, 0 429s',
      met: m.goodput >= 0.95 && m.lost === 0 && m.rateLimited === 0,
    })),
    await measure('spillway, limits learned from headers', false, routerSender, (m) => ({
      text: 'goodput >= 85%, 0 lost',
      met: m.goodput >= 0.85 && m.lost === 0,
    })),
    await measure('hand-written: cheapest first, 60 s cooldown on 429, backoff', false, handWrittenRouter),
    await measure('groq-sdk alone on one provider, its own retries', false, sdkWithRetries),
  ];
}
