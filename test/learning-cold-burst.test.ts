// A cold burst with no configured limits, over real HTTP to simulated Groq and OpenAI sharing the
// router's fake clock. OpenAI states its limits in headers; Groq only its per-day requests and
// per-minute tokens, so its per-minute request limit shows first in a 429's message. The burst is
// larger than both minutes hold: the rest waits for the refill, which the test drives on the clock.
import { createRouter } from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import { FakeClock, type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const GROQ_RPM = 30;
const OPENAI_RPM = 20;
const BURST = 70;

let clock: FakeClock;
let groqSim: SimulatedProvider;
let openaiSim: SimulatedProvider;

beforeAll(async () => {
  clock = new FakeClock();
  const now = () => clock.now();
  [groqSim, openaiSim] = await Promise.all([
    startSimulatedProvider({ protocol: 'groq', limits: { rpm: GROQ_RPM }, now }),
    startSimulatedProvider({ protocol: 'openai', limits: { rpm: OPENAI_RPM }, now }),
  ]);
});
afterAll(async () => {
  await Promise.all([groqSim.close(), openaiSim.close()]);
});

function router(learning?: false) {
  return createRouter({
    clock,
    ...(learning === false ? { learning } : {}),
    providers: [
      groq({ apiKey: groqSim.apiKey, baseURL: groqSim.baseURL, models: ['openai/gpt-oss-20b'] }),
      openai({ apiKey: openaiSim.apiKey, baseURL: openaiSim.baseURL, models: ['gpt-5.4-nano'] }),
    ],
  });
}

const ask = { messages: [{ role: 'user' as const, content: 'Say hello.' }], maxTokens: 16 };

/**
 * Waits for `work`, moving the fake clock on by a quarter second whenever neither simulator has had a
 * call in flight for a while (every request then waits for a refill or a cooldown). Small steps: an
 * answer still on its way must not meet its attempt's deadline.
 */
async function driveClock<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  let idleTurns = 0;
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    idleTurns = groqSim.stats().inFlight + openaiSim.stats().inFlight === 0 ? idleTurns + 1 : 0;
    if (idleTurns < 20) continue;
    idleTurns = 0;
    await clock.advance(250);
  }
  return finished;
}

async function coldBurst(learning?: false) {
  groqSim.reset();
  openaiSim.reset();
  const spillway = router(learning);
  const results = await driveClock(Promise.all(Array.from({ length: BURST }, () => spillway.chat(ask))));
  await spillway.close();
  return results;
}

describe('a cold burst while limits are learned', () => {
  it('at most one 429 from the provider with limit headers, a window of them from the other, nothing lost', async () => {
    const results = await coldBurst();
    expect(results).toHaveLength(BURST);
    expect(openaiSim.stats().rateLimited).toBeLessThanOrEqual(1);
    // Groq's minute ran out while its window (at most 8) was in flight; its 429 named the limit.
    expect(groqSim.stats().peakConcurrency).toBeLessThanOrEqual(8);
    expect(groqSim.stats().rateLimited).toBeGreaterThanOrEqual(1);
    expect(groqSim.stats().rateLimited).toBeLessThanOrEqual(8);
  });

  it('without learning, the burst lands on the cheapest model before its first answer', async () => {
    const results = await coldBurst(false);
    expect(results).toHaveLength(BURST);
    // All of it went to Groq at once: everything past its minute came back 429.
    expect(groqSim.stats().rateLimited).toBe(BURST - GROQ_RPM);
  });
});
