import { anthropic } from '@spillway/anthropic';
import { scaledClock } from '@spillway/cli';
import type { Clock, ModelSpec, ProviderAdapter } from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';

/** Simulated minutes run this many times faster than real ones, so a run takes seconds. */
export const TIME_SCALE = 20;
export const REQUESTS = 900;
export const CONCURRENCY = 64;
export const MAX_TOKENS = 40;
export const REPLY_TOKENS = 30;

/** One model per provider, cheapest first; requests per minute are the binding limit. */
export const LANES = [
  { kind: 'groq', model: 'openai/gpt-oss-20b', rpm: 90 },
  { kind: 'openai', model: 'gpt-5.4-nano', rpm: 60 },
  { kind: 'anthropic', model: 'claude-haiku-4-5', rpm: 30 },
] as const;

export type Lane = { kind: 'groq' | 'openai' | 'anthropic'; model: string; rpm: number };

/** The cold burst: a Groq-style lane (no per-minute request header) and an OpenAI-style one. */
export const BURST_LANES: readonly Lane[] = LANES.slice(0, 2);
export const BURST_REQUESTS = 1_000;
export type Fleet = {
  lanes: readonly Lane[];
  clock: Clock;
  sims: SimulatedProvider[];
  /** Adapters on the official SDKs (no retries), pointed at the simulators. */
  adapters: ProviderAdapter[];
  /**
   * `CONCURRENCY` calls through each adapter, then the simulators start afresh: a long-running service's
   * SDK clients, connections and compiled code are warm. At 20x time scale the first burst's set-up
   * (~200 ms: module initialisation, connections, unoptimised code) would otherwise look like 4 s in
   * which the providers count nothing.
   */
  warm(): Promise<void>;
  close(): Promise<void>;
};

/** Three fresh simulators sharing one scaled clock, with adapters that know (or do not know) the limits. */
export async function startFleet(knownLimits: boolean, lanes: readonly Lane[] = LANES): Promise<Fleet> {
  const clock = scaledClock(TIME_SCALE);
  const sims = await Promise.all(
    lanes.map((lane, index) =>
      startSimulatedProvider({
        protocol: lane.kind,
        limits: { rpm: lane.rpm },
        latency: { ttftMs: 5 },
        replyTokens: REPLY_TOKENS,
        seed: index + 1,
        now: () => clock.now(),
      }),
    ),
  );
  const adapters = lanes.map((lane, index) => {
    const sim = sims[index] as SimulatedProvider;
    const options = {
      apiKey: sim.apiKey,
      baseURL: sim.baseURL,
      models: [lane.model],
      ...(knownLimits ? { limits: { rpm: lane.rpm } } : {}),
    };
    return lane.kind === 'groq'
      ? groq(options)
      : lane.kind === 'openai'
        ? openai(options)
        : anthropic(options);
  });
  return {
    lanes,
    clock,
    sims,
    adapters,
    warm: async () => {
      const call = (adapter: ProviderAdapter) =>
        adapter.doGenerate({
          model: spec(adapter).id,
          messages: requestMessages(-1),
          maxTokens: MAX_TOKENS,
          signal: new AbortController().signal,
        });
      // Past a simulator's limit some answer 429: that is still a warm path, and the reset forgets it.
      await Promise.allSettled(
        adapters.flatMap((adapter) => Array.from({ length: CONCURRENCY }, () => call(adapter))),
      );
      for (const sim of sims) sim.reset();
    },
    close: async () => {
      await Promise.all(adapters.map((adapter) => adapter.close?.()));
      await Promise.all(sims.map((sim) => sim.close()));
    },
  };
}

export function spec(adapter: ProviderAdapter): ModelSpec {
  return adapter.models[0] as ModelSpec;
}

export function requestMessages(index: number) {
  return [{ role: 'user' as const, content: `Request ${index}: answer in a sentence.` }];
}

/**
 * The best any scheduler can do: buckets start full and refill continuously, so by simulated time t
 * the lanes can have served Σ rpm·(1 + t/60 s). Finishing N requests takes t* = 60 s·(N/Σrpm − 1), and
 * the cheapest schedule that finishes by t* must use every lane to its capacity.
 */
export function ideal(count: number, costPerRequest: readonly number[], lanes: readonly Lane[] = LANES) {
  const totalRpm = lanes.reduce((sum, lane) => sum + lane.rpm, 0);
  const seconds = Math.max(0, 60 * (count / totalRpm - 1));
  let costUsd = 0;
  lanes.forEach((lane, index) => {
    costUsd += lane.rpm * (1 + seconds / 60) * (costPerRequest[index] ?? 0);
  });
  return { seconds, costUsd: costUsd * Math.min(1, count / (totalRpm * (1 + seconds / 60))) };
}
