import {
  CacheMissError,
  type ChatRequest,
  cacheKey,
  canonicalRequest,
  createRouter,
  type ResponseCache,
  type Router,
  type RouterStreamEvent,
} from '@spillway/core';
import { openai } from '@spillway/openai';
import {
  FakeClock,
  type SimulatedProvider,
  scriptedAdapter,
  startSimulatedProvider,
} from '@spillway/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/** One cache to test, fresh per test, with a back door for what the router cannot do itself. */
export type CacheUnderTest = {
  cache: ResponseCache;
  /** Writes a raw value under a router key (a corrupt byte, another writer). */
  put(key: string, value: string): Promise<void>;
  /** Makes the cache's backend unreachable, and back (Redis only). */
  outage?: { begin(): Promise<void>; end(): Promise<void> };
};

const MODEL = 'gpt-5.4-mini';
const weather = {
  name: 'get_weather',
  description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const base: ChatRequest = { messages: [{ role: 'user', content: 'Name a colour.' }], maxTokens: 200 };
const keyOf = (request: ChatRequest) => cacheKey(canonicalRequest(request));

async function events(stream: AsyncIterable<RouterStreamEvent>): Promise<RouterStreamEvent[]> {
  const seen: RouterStreamEvent[] = [];
  for await (const event of stream) seen.push(event);
  return seen;
}

/**
 * The behaviour every response cache must give the router (memory and Redis run it alike), against
 * the OpenAI simulator over real HTTP: provider calls are counted at the simulator.
 */
export function describeResponseCache(name: string, make: () => Promise<CacheUnderTest>): void {
  describe(`response cache contract: ${name}`, () => {
    let sim: SimulatedProvider;
    let router: Router;
    let under: CacheUnderTest;
    let warnings: string[];

    beforeAll(async () => {
      sim = await startSimulatedProvider({ protocol: 'openai', replyTokens: [8, 16] });
    });
    afterAll(async () => {
      await sim?.close();
    });
    beforeEach(async () => {
      sim.setFaults({});
      sim.reset();
      under = await make();
      warnings = [];
      router = createRouter({
        clock: new FakeClock(),
        providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: [MODEL] })],
        cache: under.cache,
        logger: { warn: (message) => warnings.push(message), error: () => {} },
      });
    });
    afterEach(async () => {
      await router.close();
    });

    const calls = () => sim.stats().requests;

    it('serves a repeat from the cache: one provider call, $0, and the money saved counted', async () => {
      const first = await router.chat(base);
      const second = await router.chat(base);
      expect(first.cache).toBe('miss');
      expect(second).toMatchObject({ cache: 'hit', text: first.text, costUsd: 0, model: MODEL });
      expect(calls()).toBe(1);
      expect(router.stats().cache).toMatchObject({ hits: 1, misses: 1, savedUsd: first.costUsd });
    });

    it('requests differing only in tools, responseFormat, seed or tenant miss', async () => {
      await router.chat(base);
      const variants: ChatRequest[] = [
        { ...base, tools: [weather] },
        { ...base, responseFormat: { type: 'json' } },
        { ...base, seed: 1 },
        { ...base, seed: 2 },
        { ...base, tenant: 'acme' },
        { ...base, tenant: 'globex' },
      ];
      for (const variant of variants) expect((await router.chat(variant)).cache).toBe('miss');
      expect(calls()).toBe(1 + variants.length);
      // Fields that do not shape the answer share the entry.
      const same = await router.chat({ ...base, timeoutMs: 5_000, priority: 3, metadata: { trace: 'x' } });
      expect(same.cache).toBe('hit');
      expect(calls()).toBe(1 + variants.length);
    });

    it('does not store a length finish, and stores the complete answer that follows', async () => {
      const short = { ...base, maxTokens: 2 };
      expect((await router.chat(short)).finishReason).toBe('length');
      expect((await router.chat(short)).cache).toBe('miss');
      expect(calls()).toBe(2);
    });

    it('does not store a stream cut mid-way', async () => {
      sim.setFaults({ script: [{ outcome: 'cutMidStream', afterChunks: 2 }] });
      await expect(events(router.stream(base))).rejects.toMatchObject({ code: 'stream_interrupted' });
      const whole = router.stream(base);
      await events(whole);
      expect((await whole.result).cache).toBe('miss');
      const replay = router.stream(base);
      await events(replay);
      expect((await replay.result).cache).toBe('hit');
      expect(calls()).toBe(2);
    });

    it('50 identical concurrent requests make one provider call', async () => {
      sim.setFaults({});
      const results = await Promise.all(Array.from({ length: 50 }, () => router.chat({ ...base, seed: 50 })));
      expect(calls()).toBe(1);
      expect(new Set(results.map((result) => result.text)).size).toBe(1);
      expect(results.filter((result) => result.cache === 'miss')).toHaveLength(1);
      const { coalesced, hits } = router.stats().cache ?? { coalesced: 0, hits: 0 };
      expect(coalesced + hits).toBe(49);
    });

    it('replays a streamed tool call event for event, and chat() gets it assembled', async () => {
      const request: ChatRequest = {
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        tools: [weather],
        toolChoice: 'required',
      };
      const live = router.stream(request);
      const liveEvents = await events(live);
      const replay = router.stream(request);
      const replayEvents = await events(replay);
      const content = (list: RouterStreamEvent[]) =>
        list.filter((event) => event.type !== 'usage' && event.type !== 'finish');
      expect(content(liveEvents).some((event) => event.type === 'tool-call')).toBe(true);
      expect(content(replayEvents)).toEqual(content(liveEvents));
      expect(replayEvents.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls', costUsd: 0 });
      const stored = await live.result;
      expect(await replay.result).toMatchObject({ cache: 'hit', toolCalls: stored.toolCalls });
      expect(await router.chat(request)).toMatchObject({ cache: 'hit', toolCalls: stored.toolCalls });
      expect(calls()).toBe(1);
    });

    it('modes: only-if-cached, no-store, refresh, and cache: false', async () => {
      await expect(router.chat({ ...base, cache: { mode: 'only-if-cached' } })).rejects.toBeInstanceOf(
        CacheMissError,
      );
      expect(calls()).toBe(0);
      await router.chat({ ...base, cache: { mode: 'no-store' } });
      await expect(router.chat({ ...base, cache: { mode: 'only-if-cached' } })).rejects.toMatchObject({
        code: 'cache_miss',
      });
      await router.chat(base);
      expect((await router.chat({ ...base, cache: { mode: 'refresh' } })).cache).toBe('miss');
      expect((await router.chat({ ...base, cache: { mode: 'only-if-cached' } })).cache).toBe('hit');
      expect((await router.chat({ ...base, cache: false })).cache).toBe('bypass');
      expect(calls()).toBe(4);
    });

    it('a corrupt entry is a miss, and the fresh answer replaces it', async () => {
      await under.put(keyOf(base), '{"v":1,"request":');
      expect((await router.chat(base)).cache).toBe('miss');
      expect((await router.chat(base)).cache).toBe('hit');
      await under.put(keyOf(base), JSON.stringify({ v: 1, request: canonicalRequest({ ...base, seed: 9 }) }));
      expect((await router.chat(base)).cache).toBe('miss');
      expect(calls()).toBe(2);
    });

    it('a content-filter refusal is not stored', async () => {
      const clock = new FakeClock();
      const scripted = scriptedAdapter({
        name: 'scripted',
        models: [{ id: 'm' }],
        clock,
        script: { m: [{ reply: '', finishReason: 'content-filter' }, { reply: 'fine' }] },
      });
      const local = createRouter({ providers: [scripted], clock, cache: under.cache });
      const request = { messages: [{ role: 'user' as const, content: `refuse ${name}` }] };
      expect((await local.chat(request)).finishReason).toBe('content-filter');
      expect(await local.chat(request)).toMatchObject({ text: 'fine', cache: 'miss' });
      expect(await local.chat(request)).toMatchObject({ text: 'fine', cache: 'hit' });
      expect(scripted.calls).toHaveLength(2);
      await local.close();
    });

    it.skipIf(name === 'memory')('an unreachable backend degrades to no cache with one warning', async () => {
      const outage = under.outage;
      if (!outage) throw new Error('this cache has no outage to simulate');
      await router.chat(base);
      await outage.begin();
      try {
        const results = [await router.chat(base), await router.chat(base), await router.chat(base)];
        expect(results.map((result) => result.cache)).toEqual(['bypass', 'bypass', 'bypass']);
        expect(warnings.filter((line) => line.includes('response cache unreachable'))).toHaveLength(1);
        expect(calls()).toBe(4);
      } finally {
        await outage.end();
      }
    });
  });
}
