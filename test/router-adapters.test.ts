// The router with the real adapters (official SDKs over HTTP) against simulated OpenAI, Anthropic and
// Groq servers: each failure class reaches the router through the adapter and leads to the right move.
import { anthropic } from '@spillway/anthropic';
import {
  AllProvidersFailedError,
  type ChatRequest,
  createRouter,
  InvalidRequestError,
  type ModelRef,
  type Router,
} from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import {
  FakeClock,
  type SimScriptStep,
  type SimulatedProvider,
  startSimulatedProvider,
} from '@spillway/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

type Sims = { openai: SimulatedProvider; anthropic: SimulatedProvider; groq: SimulatedProvider };
let sims: Sims;
let router: Router;
let clock: FakeClock;

const OPENAI: ModelRef = { provider: 'openai', model: 'gpt-5.4-mini' }; // 400k window
const ANTHROPIC: ModelRef = { provider: 'anthropic', model: 'claude-haiku-4-5' }; // 200k window
const ANTHROPIC_LARGE: ModelRef = { provider: 'anthropic', model: 'claude-sonnet-5' }; // 1M window
const GROQ: ModelRef = { provider: 'groq', model: 'openai/gpt-oss-120b' }; // 131k window

function request(model: ModelRef[], overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { messages: [{ role: 'user', content: 'Say hello.' }], maxTokens: 64, model, ...overrides };
}

function script(sim: SimulatedProvider, ...steps: Array<SimScriptStep['outcome'] | SimScriptStep>): void {
  sim.setFaults({ script: steps });
}

const outcomes = (attempts: Array<{ provider: string; outcome: string }>) =>
  attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`);

beforeAll(async () => {
  const [openaiSim, anthropicSim, groqSim] = await Promise.all([
    startSimulatedProvider({ protocol: 'openai' }),
    startSimulatedProvider({ protocol: 'anthropic' }),
    startSimulatedProvider({ protocol: 'groq' }),
  ]);
  sims = { openai: openaiSim, anthropic: anthropicSim, groq: groqSim };
});

afterAll(async () => {
  await Promise.all(Object.values(sims ?? {}).map((sim) => sim.close()));
});

beforeEach(() => {
  for (const sim of Object.values(sims)) {
    sim.setFaults({});
    sim.reset();
  }
  router = makeRouter();
});

function makeRouter(options: { maxAttempts?: number; openaiClient?: OpenAI } = {}): Router {
  const { openaiClient, ...rest } = options;
  clock = new FakeClock();
  return createRouter({
    ...rest,
    clock,
    providers: [
      openaiClient
        ? openai({ client: openaiClient, models: ['gpt-5.4-mini'] })
        : openai({ apiKey: sims.openai.apiKey, baseURL: sims.openai.baseURL, models: ['gpt-5.4-mini'] }),
      anthropic({
        apiKey: sims.anthropic.apiKey,
        baseURL: sims.anthropic.baseURL,
        models: ['claude-haiku-4-5', 'claude-sonnet-5'],
      }),
      groq({ apiKey: sims.groq.apiKey, baseURL: sims.groq.baseURL, models: ['openai/gpt-oss-120b'] }),
    ],
  });
}

afterEach(async () => {
  await router.close();
});

describe('router over the real adapters', () => {
  it('a 429 from OpenAI falls back to Anthropic, then (after its 529) to Groq', async () => {
    script(sims.openai, { outcome: 'rateLimit', retryAfterMs: 2000 });
    script(sims.anthropic, 'overloaded');
    const result = await router.chat(request([OPENAI, ANTHROPIC, GROQ]));
    expect(outcomes(result.attempts)).toEqual(['openai:rate_limit', 'anthropic:overloaded', 'groq:success']);
    expect(result.provider).toBe('groq');
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.attempts[0]?.status).toBe(429);
    expect(sims.groq.stats().requests).toBe(1);
  });

  it('a 529 from Anthropic falls back to the next candidate', async () => {
    script(sims.anthropic, 'overloaded');
    const result = await router.chat(request([ANTHROPIC, OPENAI]));
    expect(outcomes(result.attempts)).toEqual(['anthropic:overloaded', 'openai:success']);
    expect(result.attempts[0]?.status).toBe(529);
  });

  it('quota exhaustion sidelines the provider for long; a short 429 does not', async () => {
    script(sims.openai, 'quota');
    const first = await router.chat(request([OPENAI, GROQ]));
    expect(outcomes(first.attempts)).toEqual(['openai:quota', 'groq:success']);
    await clock.advance(10 * 60_000);
    const later = await router.chat(request([OPENAI, GROQ]));
    expect(outcomes(later.attempts)).toEqual(['groq:success']);
    expect(sims.openai.stats().requests).toBe(1);

    script(sims.groq, { outcome: 'rateLimit', retryAfterMs: 2000 });
    const limited = await router.chat(request([GROQ, ANTHROPIC]));
    expect(outcomes(limited.attempts)).toEqual(['groq:rate_limit', 'anthropic:success']);
    // Past the 2 s cooldown, and past the 3 s the minute bucket its 429 message described as used up
    // (Limit = Used = the simulator's default RPM) takes to refill beyond the 5% reserve.
    await clock.advance(3_100);
    const recovered = await router.chat(request([GROQ, ANTHROPIC]));
    expect(outcomes(recovered.attempts)).toEqual(['groq:success']);
  });

  it('learns a limit from the response headers and steers away before the provider answers 429', async () => {
    sims.openai.setLimits({ rpm: 2 });
    const providers: string[] = [];
    for (let index = 0; index < 3; index++)
      providers.push((await router.chat(request([OPENAI, GROQ]))).provider);
    expect(providers[0]).toBe('openai');
    expect(providers[2]).toBe('groq');
    expect(sims.openai.stats().rateLimited).toBe(0);
  });

  it('a 401 disables the provider and falls back; later requests skip it', async () => {
    script(sims.groq, 'authError');
    const first = await router.chat(request([GROQ, ANTHROPIC]));
    expect(outcomes(first.attempts)).toEqual(['groq:auth', 'anthropic:success']);
    const second = await router.chat(request([GROQ, ANTHROPIC]));
    expect(outcomes(second.attempts)).toEqual(['anthropic:success']);
    expect(sims.groq.stats().requests).toBe(1);
  });

  it('a context-length error falls back only to a model with a larger window', async () => {
    script(sims.openai, 'contextLength');
    const result = await router.chat(request([OPENAI, GROQ, ANTHROPIC, ANTHROPIC_LARGE]));
    expect(outcomes(result.attempts)).toEqual(['openai:context_length', 'anthropic:success']);
    expect(result.model).toBe('claude-sonnet-5');
    expect(sims.groq.stats().requests).toBe(0);
  });

  it('a 400 fails fast with InvalidRequestError and the other providers receive nothing', async () => {
    // A client whose requests the server rejects as malformed (an empty message list): a real 400
    // from the simulated OpenAI, through the real SDK and adapter.
    const rejectedClient = new OpenAI({
      apiKey: sims.openai.apiKey,
      baseURL: sims.openai.baseURL,
      maxRetries: 0,
      fetch: (url, init) => {
        const body = JSON.parse(String(init?.body));
        return fetch(url, { ...init, body: JSON.stringify({ ...body, messages: [] }) });
      },
    });
    await router.close();
    router = makeRouter({ openaiClient: rejectedClient });
    const error = await router.chat(request([OPENAI, ANTHROPIC, GROQ])).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(outcomes((error as InvalidRequestError).attempts)).toEqual(['openai:invalid_request']);
    expect((error as InvalidRequestError).attempts[0]?.status).toBe(400);
    expect(sims.openai.stats().requests).toBe(1);
    expect(sims.anthropic.stats().requests).toBe(0);
    expect(sims.groq.stats().requests).toBe(0);
  });

  it('when every candidate fails, the error lists each attempt', async () => {
    script(sims.openai, 'serverError');
    script(sims.groq, { outcome: 'rateLimit', retryAfterMs: 1000 });
    // Two attempts: the router gives up instead of waiting (on its fake clock) for the 429 to pass.
    await router.close();
    router = makeRouter({ maxAttempts: 2 });
    const error = await router.chat(request([OPENAI, GROQ])).catch((caught: unknown) => caught);
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    const attempts = (error as AllProvidersFailedError).attempts;
    expect(outcomes(attempts)).toEqual(['openai:server', 'groq:rate_limit']);
    for (const key of [sims.openai.apiKey, sims.groq.apiKey])
      expect(JSON.stringify(attempts)).not.toContain(key);
  });
});
