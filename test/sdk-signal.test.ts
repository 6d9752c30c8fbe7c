import { getEventListeners } from 'node:events';
import { createRouter } from '@spillway/core';
import { openai } from '@spillway/openai';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The official SDKs add an abort listener to the signal of every request and never remove it. The
// router must therefore never hand one long-lived signal to the SDK, or its listener list grows forever.
// A call nothing else can abort shares a close signal with at most 63 others (decision 0805); a call's
// own signal is reused by later calls only if it was never aborted, and at most 8 times (decisions 1712, 2230).
describe('signals handed to the SDK', () => {
  let sim: SimulatedProvider;
  beforeAll(async () => {
    sim = await startSimulatedProvider({ protocol: 'openai', replyTokens: 5 });
  });
  afterAll(() => sim.close());

  function spiedRouter() {
    const client = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
    const seen: Array<AbortSignal | undefined> = [];
    const create = client.chat.completions.create.bind(client.chat.completions);
    client.chat.completions.create = ((body: never, options?: { signal?: AbortSignal }) => {
      seen.push(options?.signal);
      return create(body, options);
    }) as typeof client.chat.completions.create;
    const router = createRouter({ providers: [openai({ client, models: ['gpt-5.4-mini'] })] });
    return { router, seen };
  }

  it('when nothing else can abort the call, passes a close signal shared by at most 64 calls', async () => {
    const { router, seen } = spiedRouter();
    for (let index = 0; index < 70; index++)
      await router.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(seen).toHaveLength(70);
    const signals = [...new Set(seen)];
    expect(signals).toHaveLength(2);
    for (const signal of signals)
      expect(getEventListeners(signal as AbortSignal, 'abort').length).toBeLessThanOrEqual(64);
    await router.close();
  });

  it('lends a call a signal of its own: reused only unaborted, at most 8 times, never by two calls at once', async () => {
    const { router, seen } = spiedRouter();
    const controller = new AbortController();
    const request = {
      messages: [{ role: 'user' as const, content: 'hi' }],
      timeoutMs: 30_000,
      signal: controller.signal,
    };
    for (let index = 0; index < 10; index++) await router.chat(request);
    expect(seen.every((signal) => signal instanceof AbortSignal)).toBe(true);
    const sequential = [...new Set(seen)] as AbortSignal[];
    expect(sequential).toHaveLength(2);
    for (const signal of sequential) expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(8);
    // The caller's own signal is not left holding listeners from finished calls.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    seen.length = 0;
    await Promise.all([router.chat(request), router.chat(request), router.chat(request)]);
    expect(new Set(seen).size).toBe(3);

    // A stream the reader leaves after its first event: its call is aborted, and that signal is not lent again.
    seen.length = 0;
    for await (const event of router.stream({ messages: request.messages }))
      if (event.type === 'text-delta') break;
    const [left] = seen as AbortSignal[];
    expect(left?.aborted).toBe(true);
    await router.chat(request);
    expect(seen[1]).not.toBe(left);
    expect(seen[1]?.aborted).toBe(false);
    await router.close();
  });
});
