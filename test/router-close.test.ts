import { createRouter } from '@spillway/core';
import { openai } from '@spillway/openai';
import { startSimulatedProvider } from '@spillway/testing';
import { describe, expect, it, vi } from 'vitest';

const MODEL = {
  id: 'gpt-4o-mini',
  capability: 5,
  inputUsdPerMTok: 1,
  outputUsdPerMTok: 1,
  contextWindow: 128_000,
};

describe('router.close()', () => {
  it('aborts a call hung on a real upstream: the request rejects at once (issue 14, defect 8)', async () => {
    // The simulator takes the call and answers only after ten minutes.
    const sim = await startSimulatedProvider({ protocol: 'openai', latency: { ttftMs: 600_000 } });
    try {
      const router = createRouter({
        providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: [MODEL] })],
      });
      const pending = router.chat({ messages: [{ role: 'user', content: 'hi' }] });
      const settled = pending.catch((error: unknown) => error);
      await vi.waitFor(() => expect(sim.stats()).toMatchObject({ openConnections: 1, inFlight: 1 }));
      await router.close();
      // Before the fix the request stayed pending until the upstream answered (here: ten minutes).
      expect(await settled).toMatchObject({ name: 'AbortError' });
      // And the call's connection is closed (the simulator's response sees its client go): the SDK got
      // a signal that close() aborts, although the request had neither a signal nor a deadline.
      await vi.waitFor(() => expect(sim.stats().inFlight).toBe(0));
      await expect(router.chat({ messages: [{ role: 'user', content: 'again' }] })).rejects.toMatchObject({
        code: 'config_error',
      });
    } finally {
      await sim.close();
    }
  });
});
