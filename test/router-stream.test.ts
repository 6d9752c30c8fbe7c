// router.stream() with the real adapters (official SDKs over HTTP) against simulated OpenAI,
// Anthropic and Groq servers: fallback before content, interruption after it, stall, abort.
import { anthropic } from '@spillway/anthropic';
import {
  type ChatRequest,
  createRouter,
  type ModelRef,
  type Router,
  type RouterStream,
  type RouterStreamEvent,
  StreamInterruptedError,
} from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import {
  FakeClock,
  type SimScriptStep,
  type SimulatedProvider,
  startSimulatedProvider,
} from '@spillway/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

type Sims = { openai: SimulatedProvider; anthropic: SimulatedProvider; groq: SimulatedProvider };
let sims: Sims;
let router: Router;
let clock: FakeClock;

const OPENAI: ModelRef = { provider: 'openai', model: 'gpt-5.4-mini' };
const ANTHROPIC: ModelRef = { provider: 'anthropic', model: 'claude-haiku-4-5' };
const GROQ: ModelRef = { provider: 'groq', model: 'openai/gpt-oss-120b' };

const request = (model: ModelRef[], overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content: 'Tell me a short story.' }],
  maxTokens: 64,
  model,
  ...overrides,
});

function script(sim: SimulatedProvider, ...steps: Array<SimScriptStep['outcome'] | SimScriptStep>): void {
  sim.setFaults({ script: steps });
}

async function collect(stream: RouterStream) {
  const events: RouterStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined as unknown };
  } catch (error) {
    return { events, error };
  }
}

const textOf = (events: RouterStreamEvent[]) =>
  events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
const outcomes = (attempts: Array<{ provider: string; outcome: string }>) =>
  attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`);

beforeAll(async () => {
  const [openaiSim, anthropicSim, groqSim] = await Promise.all([
    startSimulatedProvider({ protocol: 'openai', replyTokens: 12 }),
    startSimulatedProvider({ protocol: 'anthropic', replyTokens: 12 }),
    startSimulatedProvider({ protocol: 'groq', replyTokens: 12 }),
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
  clock = new FakeClock();
  router = createRouter({
    clock,
    stallTimeoutMs: 5_000,
    providers: [
      openai({ apiKey: sims.openai.apiKey, baseURL: sims.openai.baseURL, models: ['gpt-5.4-mini'] }),
      anthropic({
        apiKey: sims.anthropic.apiKey,
        baseURL: sims.anthropic.baseURL,
        models: ['claude-haiku-4-5'],
      }),
      groq({ apiKey: sims.groq.apiKey, baseURL: sims.groq.baseURL, models: ['openai/gpt-oss-120b'] }),
    ],
  });
});

afterEach(async () => {
  await router.close();
});

describe('router.stream over the real adapters', () => {
  it.each([
    ['openai', OPENAI],
    ['anthropic', ANTHROPIC],
    ['groq', GROQ],
  ])('streams from %s: deltas add up to the result, which carries usage and cost', async (provider, ref) => {
    const stream = router.stream(request([ref]));
    const { events, error } = await collect(stream);
    expect(error).toBeUndefined();
    const result = await stream.result;
    expect(result.provider).toBe(provider);
    expect(result.text.length).toBeGreaterThan(0);
    expect(textOf(events)).toBe(result.text);
    const first = events.find((event) => event.type !== 'usage');
    expect(first).toEqual({ type: 'start', provider, model: typeof ref === 'string' ? ref : ref.model });
    expect(events.at(-1)).toMatchObject({ type: 'finish', provider });
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it('a 429 at connect falls back before any content', async () => {
    script(sims.openai, { outcome: 'rateLimit', retryAfterMs: 2000 });
    const stream = router.stream(request([OPENAI, ANTHROPIC]));
    const { events } = await collect(stream);
    expect(events[0]).toMatchObject({ type: 'fallback', failure: 'rate_limit' });
    expect(outcomes((await stream.result).attempts)).toEqual(['openai:rate_limit', 'anthropic:success']);
  });

  it.each([
    ['cutMidStream', 'stream_cut'],
    ['inbandError', undefined],
  ] as const)(
    '%s after content ends with StreamInterruptedError and the partial text',
    async (outcome, failure) => {
      script(sims.anthropic, { outcome, afterChunks: 2 });
      const stream = router.stream(request([ANTHROPIC, OPENAI]));
      const { events, error } = await collect(stream);
      expect(StreamInterruptedError.isInstance(error)).toBe(true);
      const interrupted = error as StreamInterruptedError;
      expect(interrupted.partialText.length).toBeGreaterThan(0);
      expect(interrupted.partialText).toBe(textOf(events));
      if (failure) expect(interrupted.failure).toBe(failure);
      expect(outcomes(interrupted.attempts)).toEqual([`anthropic:${interrupted.failure}`]);
      expect(sims.openai.stats().requests).toBe(0);
      await expect(stream.result).rejects.toBe(error);
    },
  );

  it('a stall after content is cut off by the watchdog and the connection is closed', async () => {
    script(sims.openai, { outcome: 'stallMidStream', afterChunks: 2 });
    const iterator = router.stream(request([OPENAI]))[Symbol.asyncIterator]();
    const seen: RouterStreamEvent[] = [];
    while (seen.filter((event) => event.type === 'text-delta').length < 2) {
      const next = await iterator.next();
      if (next.done) throw new Error('stream ended early');
      seen.push(next.value);
    }
    const pending = iterator.next().catch((caught: unknown) => caught);
    await clock.advance(5_000);
    const error = (await pending) as StreamInterruptedError;
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(error.failure).toBe('stall');
    expect(error.partialText).toBe(textOf(seen));
    // The server sees the aborted request close after a few turns of the event loop.
    for (let i = 0; i < 1000 && sims.openai.stats().inFlight > 0; i++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(sims.openai.stats().inFlight).toBe(0);
  });

  it("onInterrupt 'continue' lets the next provider finish a cut answer", async () => {
    script(sims.groq, { outcome: 'cutMidStream', afterChunks: 2 });
    const stream = router.stream(request([GROQ, ANTHROPIC], { onInterrupt: 'continue' }));
    const { events, error } = await collect(stream);
    expect(error).toBeUndefined();
    const result = await stream.result;
    expect(outcomes(result.attempts)).toEqual(['groq:stream_cut', 'anthropic:success']);
    expect(result.text).toBe(textOf(events));
    const body = sims.anthropic.stats().lastRequest?.body as { messages: Array<{ role: string }> };
    expect(body.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('an abort mid-stream rejects with the reason', async () => {
    const controller = new AbortController();
    const stream = router.stream(request([OPENAI], { signal: controller.signal }));
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // start
    await iterator.next(); // the first text
    controller.abort(new Error('caller gave up'));
    await expect(iterator.next()).rejects.toThrow('caller gave up');
    await expect(stream.result).rejects.toThrow('caller gave up');
  });
});
