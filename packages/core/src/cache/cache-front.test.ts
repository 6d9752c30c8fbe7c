import { describe, expect, it } from 'vitest';
import { seededRandom } from '../clock.js';
import { AllProvidersFailedError, CacheMissError, DeadlineExceededError } from '../errors.js';
import type { RouterOptions } from '../router/options.js';
import { createRouter } from '../router/router.js';
import type { RouterStreamEvent } from '../router/stream-types.js';
import { recordingLogger, say } from '../router/test-helpers.js';
import { FakeClock, type ScriptStep, scriptedAdapter } from '../testing/index.js';
import { cacheKey, canonicalRequest } from './cache-key.js';
import { memoryCache } from './memory-cache.js';
import type { ResponseCache } from './response-cache.js';

const model = { id: 'm', inputUsdPerMTok: 1, outputUsdPerMTok: 2 };

function setup(steps: ScriptStep[] = [], options: Partial<RouterOptions> = {}) {
  const clock = new FakeClock();
  const adapter = scriptedAdapter({ name: 'p', models: [model], clock, script: { m: steps } });
  const cache = memoryCache({ clock, ttlMs: 60_000 });
  const logger = recordingLogger();
  const router = createRouter({
    providers: [adapter],
    clock,
    random: seededRandom(1),
    logger,
    cache,
    ...options,
  });
  return { clock, adapter, cache, router, logger };
}

async function collect(stream: AsyncIterable<RouterStreamEvent>): Promise<RouterStreamEvent[]> {
  const events: RouterStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('response cache in front of the attempt loop (fake clock)', () => {
  it('answers a repeat from the cache at $0, with no attempt, and counts what it saved', async () => {
    const { router, adapter } = setup([{ reply: 'first', usage: { inputTokens: 1000, outputTokens: 500 } }]);
    const hits: unknown[] = [];
    router.on('cache-hit', (event) => hits.push(event));
    const first = await router.chat(say('hi'));
    const second = await router.chat(say('hi'));
    expect(first).toMatchObject({ text: 'first', cache: 'miss' });
    expect(second).toMatchObject({
      text: 'first',
      cache: 'hit',
      costUsd: 0,
      attempts: [],
      provider: 'p',
      model: 'm',
    });
    expect(adapter.calls).toHaveLength(1);
    expect(router.stats().cache).toEqual({ hits: 1, misses: 1, coalesced: 0, savedUsd: first.costUsd });
    expect(hits).toEqual([
      expect.objectContaining({
        provider: 'p',
        model: 'm',
        coalesced: false,
        stream: false,
        savedUsd: first.costUsd,
      }),
    ]);
    // The model's counters saw one request: a hit is not a provider request.
    expect(router.stats().providers.p?.requests).toBe(1);
  });

  it('a hit takes no capacity and does not queue: served while the model is out of requests', async () => {
    const clock = new FakeClock();
    const limited = scriptedAdapter({ name: 'p', models: [{ ...model, limits: { rpm: 1 } }], clock });
    const router = createRouter({ providers: [limited], clock, cache: memoryCache({ clock }) });
    const queued: unknown[] = [];
    router.on('queued', (event) => queued.push(event));
    await router.chat(say('hi'));
    await expect(router.chat(say('hi'))).resolves.toMatchObject({ cache: 'hit' });
    expect(queued).toEqual([]);
    // Another prompt needs the bucket, which is empty for about a minute: with 1 s to live it fails.
    await expect(router.chat({ ...say('other'), timeoutMs: 1_000 })).rejects.toMatchObject({
      code: expect.stringMatching(/all_providers_failed|deadline_exceeded/),
    });
    expect(limited.calls).toHaveLength(1);
  });

  it('expires entries after ttlMs, and a request may set its own', async () => {
    const { router, adapter, clock } = setup();
    await router.chat(say('a'));
    await clock.advance(59_000);
    expect((await router.chat(say('a'))).cache).toBe('hit');
    await clock.advance(2_000);
    expect((await router.chat(say('a'))).cache).toBe('miss');
    await router.chat({ ...say('b'), cache: { ttlMs: 1_000 } });
    await clock.advance(1_500);
    expect((await router.chat(say('b'))).cache).toBe('miss');
    expect(adapter.calls).toHaveLength(4);
  });

  it('modes: refresh calls and replaces, no-store does not store, only-if-cached rejects a miss, false bypasses', async () => {
    const { router, adapter } = setup([
      { reply: 'one' },
      { reply: 'two' },
      { reply: 'three' },
      { reply: 'four' },
    ]);
    await expect(router.chat({ ...say('q'), cache: { mode: 'only-if-cached' } })).rejects.toBeInstanceOf(
      CacheMissError,
    );
    const missing = await router
      .chat({ ...say('q'), cache: { mode: 'only-if-cached' } })
      .catch((error) => error);
    expect(missing.code).toBe('cache_miss');
    expect(adapter.calls).toHaveLength(0);
    expect(await router.chat({ ...say('q'), cache: { mode: 'no-store' } })).toMatchObject({
      text: 'one',
      cache: 'miss',
    });
    expect(await router.chat(say('q'))).toMatchObject({ text: 'two', cache: 'miss' });
    expect(await router.chat({ ...say('q'), cache: { mode: 'only-if-cached' } })).toMatchObject({
      text: 'two',
      cache: 'hit',
    });
    expect(await router.chat({ ...say('q'), cache: { mode: 'refresh' } })).toMatchObject({
      text: 'three',
      cache: 'miss',
    });
    expect(await router.chat({ ...say('q'), cache: { mode: 'no-store' } })).toMatchObject({
      text: 'three',
      cache: 'hit',
    });
    expect(await router.chat({ ...say('q'), cache: false })).toMatchObject({ text: 'four', cache: 'bypass' });
    expect(await router.chat(say('q'))).toMatchObject({ text: 'three', cache: 'hit' });
    expect(adapter.calls).toHaveLength(4);
  });

  it('rejects a malformed cache option before anything is sent', async () => {
    const { router, adapter } = setup();
    for (const cache of [true, { mode: 'sometimes' }, { ttlMs: -1 }, { ttlMs: 1.5 }])
      await expect(router.chat({ ...say('q'), cache } as never)).rejects.toMatchObject({
        code: 'invalid_request',
      });
    await expect(router.chat({ ...say('q'), seed: 1.5 })).rejects.toMatchObject({ field: 'seed' });
    expect(adapter.calls).toHaveLength(0);
    expect(() => createRouter({ providers: [adapter], cache: {} as never })).toThrow(/cache/);
  });

  it('identical requests in flight share one call; each gets its own copy; followers cost $0', async () => {
    const { router, adapter, clock } = setup([
      { reply: 'shared', latencyMs: 100, toolCalls: [{ id: 'c1', name: 't', arguments: { a: 1 } }] },
    ]);
    const pending = Promise.all(Array.from({ length: 5 }, () => router.chat(say('same'))));
    await clock.advance(100);
    const results = await pending;
    expect(adapter.calls).toHaveLength(1);
    expect(results.map((result) => result.cache)).toEqual(['miss', 'hit', 'hit', 'hit', 'hit']);
    expect(results.slice(1).every((result) => result.costUsd === 0 && result.attempts.length === 0)).toBe(
      true,
    );
    expect(results[1]?.toolCalls).toEqual(results[0]?.toolCalls);
    expect(results[1]?.toolCalls).not.toBe(results[2]?.toolCalls);
    expect(router.stats().cache).toEqual({
      hits: 0,
      misses: 1,
      coalesced: 4,
      savedUsd: 4 * (results[0]?.costUsd ?? 0),
    });
  });

  it('a shared call that fails gives every waiter the same typed error, and nothing is stored', async () => {
    const { router, adapter, clock } = setup([{ fail: 'server', status: 500, latencyMs: 50 }], {
      maxAttempts: 1,
    });
    const pending = Array.from({ length: 3 }, () =>
      router.chat(say('same')).catch((error: unknown) => error),
    );
    await clock.advance(50);
    const errors = await Promise.all(pending);
    expect(adapter.calls).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AllProvidersFailedError);
    expect(errors[1]).toBe(errors[0]);
    expect(errors[2]).toBe(errors[0]);
    expect((await router.chat(say('same'))).cache).toBe('miss');
    expect(adapter.calls).toHaveLength(2);
  });

  it('a waiter whose own deadline passes gets DeadlineExceeded; the call goes on for the others', async () => {
    const { router, adapter, clock } = setup([{ reply: 'slow', latencyMs: 5_000 }]);
    const patient = router.chat(say('same'));
    const hasty = router.chat({ ...say('same'), timeoutMs: 1_000 }).catch((error: unknown) => error);
    await clock.advance(1_000);
    expect(await hasty).toBeInstanceOf(DeadlineExceededError);
    await clock.advance(4_000);
    await expect(patient).resolves.toMatchObject({ text: 'slow', cache: 'miss' });
    expect(adapter.calls).toHaveLength(1);
  });

  it("one waiter's abort ends only its own request; the last waiter leaving aborts the call", async () => {
    const { router, adapter, clock } = setup([{ reply: 'kept', latencyMs: 1_000 }, { hang: true }]);
    const leader = new AbortController();
    const first = router.chat({ ...say('same'), signal: leader.signal }).catch((error: unknown) => error);
    const second = router.chat(say('same'));
    await clock.advance(10);
    leader.abort();
    expect(await first).toMatchObject({ name: 'AbortError' });
    await clock.advance(1_000);
    await expect(second).resolves.toMatchObject({ text: 'kept' });
    expect(adapter.calls[0]?.call.signal.aborted).toBe(false);

    const alone = new AbortController();
    const lonely = router.chat({ ...say('other'), signal: alone.signal }).catch((error: unknown) => error);
    await clock.advance(10);
    alone.abort();
    expect(await lonely).toMatchObject({ name: 'AbortError' });
    await clock.flush();
    expect(adapter.calls[1]?.call.signal.aborted).toBe(true);
    // The abandoned call was the caller's doing: no failure counted against the model.
    expect(router.stats().providers.p?.failures).toEqual({});
  });

  it('stores only complete answers: not length, content-filter or a failed stream', async () => {
    const { router, adapter } = setup([
      { reply: 'cut', finishReason: 'length' },
      { reply: '', finishReason: 'content-filter' },
      { stream: [{ type: 'text-delta', text: 'part' }], breakWith: 'stream_cut' },
      { reply: 'whole' },
    ]);
    await router.chat(say('q'));
    await router.chat(say('q'));
    await expect(collect(router.stream(say('q')))).rejects.toMatchObject({ code: 'stream_interrupted' });
    expect((await router.chat(say('q'))).text).toBe('whole');
    expect((await router.chat(say('q'))).cache).toBe('hit');
    expect(adapter.calls).toHaveLength(4);
  });

  it('replays a stored stream as events (text, tool calls, finish) with result.cache hit', async () => {
    const toolCall = {
      id: 'call_1',
      name: 'lookup',
      arguments: { city: 'Oslo' },
      rawArguments: '{"city":"Oslo"}',
    };
    const { router, adapter } = setup([
      {
        stream: [
          { type: 'text-delta', text: 'Let me ' },
          { type: 'text-delta', text: 'check.' },
          { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'lookup', argumentsDelta: '{"city":' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '"Oslo"}' },
          { type: 'tool-call', toolCall },
          { type: 'finish', finishReason: 'tool-calls' },
        ],
      },
    ]);
    const first = router.stream(say('weather?'));
    const live = await collect(first);
    const again = router.stream(say('weather?'));
    const replayed = await collect(again);
    const content = (events: RouterStreamEvent[]) =>
      events.filter((event) => event.type !== 'usage' && event.type !== 'finish');
    expect(content(replayed)).toEqual(content(live));
    expect(replayed.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls', costUsd: 0 });
    expect(await again.result).toMatchObject({ cache: 'hit', toolCalls: [toolCall], text: 'Let me check.' });
    expect((await first.result).cache).toBe('miss');
    // chat() gets the assembled answer from the same entry.
    expect(await router.chat(say('weather?'))).toMatchObject({
      cache: 'hit',
      text: 'Let me check.',
      toolCalls: [toolCall],
    });
    expect(adapter.calls).toHaveLength(1);
  });

  it('a chat answer replays on stream() as text, tool-call delta and tool call', async () => {
    const toolCall = { id: 'c', name: 'f', arguments: { x: 1 } };
    const { router } = setup([{ reply: 'hello', toolCalls: [toolCall] }]);
    await router.chat(say('q'));
    const events = await collect(router.stream(say('q')));
    expect(events.map((event) => event.type)).toEqual([
      'start',
      'text-delta',
      'tool-call-delta',
      'tool-call',
      'finish',
    ]);
    expect(events[2]).toMatchObject({ index: 0, id: 'c', name: 'f', argumentsDelta: '{"x":1}' });
  });

  it('identical streams in flight share one call and each reads every event', async () => {
    const { router, adapter, clock } = setup([
      {
        stream: [
          { type: 'text-delta', text: 'a' },
          { type: 'text-delta', text: 'b' },
          { type: 'finish', finishReason: 'stop' },
        ],
        delayMs: 10,
      },
    ]);
    const streams = [router.stream(say('s')), router.stream(say('s')), router.stream(say('s'))];
    const reading = streams.map((stream) => collect(stream));
    await clock.advance(100);
    const all = await Promise.all(reading);
    for (const events of all)
      expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text)).toEqual([
        'a',
        'b',
      ]);
    expect(adapter.calls).toHaveLength(1);
    expect((await Promise.all(streams.map((stream) => stream.result))).map((r) => r.cache)).toEqual([
      'miss',
      'hit',
      'hit',
    ]);
    expect(router.stats().cache?.coalesced).toBe(2);
  });

  it('a cache that throws is skipped with one warning and never fails a request', async () => {
    const broken: ResponseCache = {
      get: () => Promise.reject(new Error('connect ECONNREFUSED')),
      set: () => {
        throw new Error('connect ECONNREFUSED');
      },
    };
    const { router, adapter, logger } = setup([], { cache: broken });
    expect((await router.chat(say('q'))).cache).toBe('bypass');
    expect((await router.chat(say('q'))).cache).toBe('bypass');
    expect(await collect(router.stream(say('q')))).toContainEqual(
      expect.objectContaining({ type: 'finish' }),
    );
    expect(adapter.calls).toHaveLength(3);
    expect(logger.lines.filter((line) => line.includes('response cache unreachable'))).toHaveLength(1);
  });

  it('a corrupt or foreign entry is a miss', async () => {
    const { router, adapter, cache } = setup();
    await router.chat(say('q'));
    const key = cacheKey(canonicalRequest(say('q')));
    for (const value of ['{not json', JSON.stringify({ v: 1, request: '{"v":1,"other":true}' }), '"text"']) {
      cache.set(key, value);
      expect((await router.chat(say('q'))).cache).toBe('miss');
    }
    expect(adapter.calls).toHaveLength(4);
  });
});
