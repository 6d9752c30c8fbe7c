import { anthropic } from '@spillway/anthropic';
import { createRouter, type Router } from '@spillway/core';
import { openai } from '@spillway/openai';
import { FakeClock, type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export type TwoProviderRouter = {
  openaiSim: SimulatedProvider;
  anthropicSim: SimulatedProvider;
  router: Router;
  /** The router's clock (fresh per test). */
  clock: FakeClock;
};

/**
 * Registers the hooks for an OpenAI and an Anthropic simulator (started once per file, faults and
 * counts cleared per test) and a fresh router over both per test. gpt-5.4-mini is the cheaper model,
 * so 'auto' tries OpenAI first. Read the fields inside tests: they are set by the hooks.
 */
export function useTwoProviderRouter(): TwoProviderRouter {
  const env = {} as TwoProviderRouter;
  beforeAll(async () => {
    [env.openaiSim, env.anthropicSim] = await Promise.all([
      startSimulatedProvider({ protocol: 'openai' }),
      startSimulatedProvider({ protocol: 'anthropic' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([env.openaiSim?.close(), env.anthropicSim?.close()]);
  });
  beforeEach(() => {
    for (const sim of [env.openaiSim, env.anthropicSim]) {
      sim.setFaults({});
      sim.reset();
    }
    const { openaiSim, anthropicSim } = env;
    env.clock = new FakeClock();
    env.router = createRouter({
      clock: env.clock,
      providers: [
        openai({ apiKey: openaiSim.apiKey, baseURL: openaiSim.baseURL, models: ['gpt-5.4-mini'] }),
        anthropic({
          apiKey: anthropicSim.apiKey,
          baseURL: anthropicSim.baseURL,
          models: ['claude-haiku-4-5'],
        }),
      ],
    });
  });
  afterEach(async () => {
    await env.router.close();
  });
  return env;
}
