import { createRouter } from '@spillway/core';
import { FakeClock } from '@spillway/core/testing';
import { openai } from '@spillway/openai';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The slow provider's model is the cheaper, so it is tried first; the hedge goes to the fast one.
const SLOW_MODEL = {
  id: 'gpt-4o-mini',
  capability: 5,
  inputUsdPerMTok: 0.1,
  outputUsdPerMTok: 0.1,
  contextWindow: 128_000,
};
const FAST_MODEL = {
  id: 'gpt-4o',
  capability: 5,
  inputUsdPerMTok: 1,
  outputUsdPerMTok: 1,
  contextWindow: 128_000,
};

describe('hedged requests over real HTTP', () => {
  let slow: SimulatedProvider;
  let fast: SimulatedProvider;
  beforeAll(async () => {
    // The slow simulator takes every call and answers only after ten minutes.
    [slow, fast] = await Promise.all([
      startSimulatedProvider({ protocol: 'openai', latency: { ttftMs: 600_000 } }),
      startSimulatedProvider({ protocol: 'openai' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([slow?.close(), fast?.close()]);
  });

  function router(clock: FakeClock) {
    return createRouter({
      clock,
      hedge: { afterMs: 500 },
      providers: [
        openai({ name: 'slow', apiKey: slow.apiKey, baseURL: slow.baseURL, models: [SLOW_MODEL] }),
        openai({ name: 'fast', apiKey: fast.apiKey, baseURL: fast.baseURL, models: [FAST_MODEL] }),
      ],
    });
  }

  for (const mode of ['chat', 'stream'] as const)
    it(`${mode}: the hedge answers and the slow call's connection is closed`, async () => {
      const clock = new FakeClock();
      const hedged = router(clock);
      const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
      const before = fast.stats().requests;
      const pending = mode === 'chat' ? hedged.chat(request) : hedged.stream(request).result;
      // A stream's result starts the stream once something awaits it.
      pending.catch(() => {});
      await vi.waitFor(() => expect(slow.stats().inFlight).toBe(1));
      expect(fast.stats().requests).toBe(before);
      await clock.advance(500);
      const result = await pending;
      expect(result.provider).toBe('fast');
      expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual(
        mode === 'chat' ? ['fast:success', 'slow:cancelled'] : ['slow:cancelled', 'fast:success'],
      );
      // The simulator sees its client go away: the loser's SDK call was aborted through its signal.
      await vi.waitFor(() => expect(slow.stats().inFlight).toBe(0));
      expect(hedged.stats().providers.slow).toMatchObject({ cancelled: 1, failures: {} });
      await hedged.close();
    });
});
