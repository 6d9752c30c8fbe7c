import { createRouter, type Router } from '@spillway/core';
import { openai } from '@spillway/openai';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import OpenAI from 'openai';

// What the latency benches run from the build (overhead-measure.ts, ttft-measure.ts) share: the loopback
// OpenAI simulator with the SDK alone and the router over the same SDK, and the way calls are timed.

export const MODEL = 'gpt-5.4-mini';
export const MESSAGES = [{ role: 'user' as const, content: 'Say hi.' }];

export type Loopback = { sim: SimulatedProvider; sdk: OpenAI; router: Router; close(): Promise<void> };

/** The simulator, the SDK alone and a router over it; fails unless the router loads from its build. */
export async function startLoopback(replyTokens: number): Promise<Loopback> {
  const resolved = import.meta.resolve('@spillway/core');
  if (!resolved.endsWith('/dist/index.js'))
    throw new Error(`expected @spillway/core from its build, got ${resolved}`);
  const sim = await startSimulatedProvider({ protocol: 'openai', replyTokens });
  const sdk = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
  const router = createRouter({
    providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: [MODEL] })],
  });
  return {
    sim,
    sdk,
    router,
    close: async () => {
      await router.close();
      await sim.close();
    },
  };
}

// After an HTTP call resolves, undici still has ~45 µs of clean-up queued (closing the body stream,
// releasing the socket). It runs at the next await, whoever that is: code that awaits after the SDK (the
// router does) pays for it, and so does the call that follows one that did not, so an interleaved run
// charged the SDK-alone side's clean-up to the router. Each timed call therefore ends with one
// setImmediate, on both sides, so every call pays for its own clean-up and nothing else.
export const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The value at percentile `p` (0–100) of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const ascending = (values: number[]) => [...values].sort((a, b) => a - b);
