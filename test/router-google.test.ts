// The router with the Google adapter (the official @google/genai over HTTP) against the simulated
// Gemini API: its 429s carry no headers, only a body saying which quota ran out.
import { createRouter, type ModelRef, type Router } from '@spillway/core';
import { google } from '@spillway/google';
import { openai } from '@spillway/openai';
import { FakeClock, type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const GEMINI: ModelRef = { provider: 'google', model: 'gemini-2.5-flash' };
const OPENAI: ModelRef = { provider: 'openai', model: 'gpt-5.4-mini' };
const HOUR = 3_600_000;

let gemini: SimulatedProvider;
let openaiSim: SimulatedProvider;
let router: Router;
let clock: FakeClock;

beforeAll(async () => {
  [gemini, openaiSim] = await Promise.all([
    startSimulatedProvider({ protocol: 'gemini' }),
    startSimulatedProvider({ protocol: 'openai' }),
  ]);
});
afterAll(async () => {
  await Promise.all([gemini.close(), openaiSim.close()]);
});
beforeEach(() => {
  gemini.reset();
  openaiSim.reset();
  // 05:00 in Los Angeles (PDT): midnight Pacific is 19 hours away.
  clock = new FakeClock(Date.parse('2026-07-15T12:00:00Z'));
  router = createRouter({
    clock,
    providers: [
      google({
        apiKey: gemini.apiKey,
        baseURL: gemini.baseURL,
        models: ['gemini-2.5-flash'],
        now: () => clock.now(),
      }),
      openai({ apiKey: openaiSim.apiKey, baseURL: openaiSim.baseURL, models: ['gpt-5.4-mini'] }),
    ],
  });
});
afterEach(async () => {
  await router.close();
});

const ask = () =>
  router.chat({
    messages: [{ role: 'user', content: 'Say hello.' }],
    maxTokens: 32,
    model: [GEMINI, OPENAI],
  });
const outcomes = (attempts: Array<{ provider: string; outcome: string }>) =>
  attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`);

describe('router over the Google adapter', () => {
  it('a per-minute 429 cools Gemini down for its RetryInfo delay and falls back meanwhile', async () => {
    gemini.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 2000 }] });
    expect(outcomes((await ask()).attempts)).toEqual(['google:rate_limit', 'openai:success']);
    expect(outcomes((await ask()).attempts)).toEqual(['openai:success']);
    // Past the 2 s delay, and past the 3 s the minute bucket its QuotaFailure described as used up
    // (quota value = the simulator's default RPM) takes to refill beyond the router's 5% reserve.
    await clock.advance(3_100);
    expect(outcomes((await ask()).attempts)).toEqual(['google:success']);
  });

  it('a per-day 429 keeps Gemini out until midnight Pacific, then it serves again', async () => {
    gemini.setLimits({ rpd: 1 });
    expect((await ask()).provider).toBe('google');
    expect(outcomes((await ask()).attempts)).toEqual(['google:quota', 'openai:success']);
    await clock.advance(18 * HOUR);
    expect(outcomes((await ask()).attempts)).toEqual(['openai:success']);
    expect(gemini.stats().requests).toBe(2);
    // Midnight Pacific: Google resets the daily quota (the simulator's buckets start full again).
    await clock.advance(HOUR + 1000);
    gemini.setLimits({ rpd: 1 });
    expect(outcomes((await ask()).attempts)).toEqual(['google:success']);
  });
});
