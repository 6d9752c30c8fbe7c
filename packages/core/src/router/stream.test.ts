import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, InvalidRequestError, StreamInterruptedError } from '../errors.js';
import type { AdapterStreamEvent } from '../spec.js';
import type { RouterStream, RouterStreamEvent } from './stream-types.js';
import { say, setup } from './test-helpers.js';

const cheap = { id: 'cheap', inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.1 };
const dear = { id: 'dear', inputUsdPerMTok: 1, outputUsdPerMTok: 1 };
const text = (value: string): AdapterStreamEvent => ({ type: 'text-delta', text: value });
const finish = (inputTokens = 10, outputTokens = 2): AdapterStreamEvent => ({
  type: 'finish',
  finishReason: 'stop',
  usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
});

async function collect(stream: RouterStream) {
  const events: RouterStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined as unknown };
  } catch (error) {
    return { events, error };
  }
}

const kinds = (events: RouterStreamEvent[]) =>
  events.map((event) => (event.type === 'text-delta' ? `text:${event.text}` : event.type));

describe('router.stream', () => {
  it('relays content then finish; result matches and settles before finish', async () => {
    const { router } = setup([
      {
        name: 'a',
        models: [cheap],
        script: { cheap: [{ stream: [text('Hel'), text('lo'), finish(10, 2)] }] },
      },
    ]);
    const stream = router.stream(say('hi'));
    const { events, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(kinds(events)).toEqual(['start', 'text:Hel', 'text:lo', 'finish']);
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 },
      costUsd: expect.closeTo((12 * 0.1) / 1e6, 15),
      provider: 'a',
      model: 'cheap',
    });
    await expect(stream.result).resolves.toMatchObject({
      text: 'Hello',
      finishReason: 'stop',
      provider: 'a',
      attempts: [{ provider: 'a', outcome: 'success' }],
    });
  });

  it('falls back on an error at connect and on an in-band error before content, announcing each fallback', async () => {
    const { router } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ fail: 'rate_limit', status: 429 }] } },
      {
        name: 'b',
        models: [{ ...cheap, id: 'mid', inputUsdPerMTok: 0.5 }],
        script: {
          mid: [
            {
              stream: [{ type: 'usage', usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1 } }],
              breakWith: 'overloaded',
            },
          ],
        },
      },
      { name: 'c', models: [dear], script: { dear: [{ stream: [text('ok'), finish()] }] } },
    ]);
    const stream = router.stream(say('hi'));
    const { events } = await collect(stream);
    expect(kinds(events)).toEqual(['fallback', 'usage', 'fallback', 'start', 'text:ok', 'finish']);
    expect(events[0]).toEqual({
      type: 'fallback',
      from: { provider: 'a', model: 'cheap' },
      to: { provider: 'b', model: 'mid' },
      failure: 'rate_limit',
    });
    expect((await stream.result).attempts.map((a) => a.outcome)).toEqual([
      'rate_limit',
      'overloaded',
      'success',
    ]);
  });

  it('falls back when no content arrives within timeToFirstTokenMs and aborts the slow call', async () => {
    const { router, clock, adapters } = setup([
      {
        name: 'a',
        models: [cheap],
        script: { cheap: [{ stream: [text('late'), finish()], latencyMs: 5000 }] },
      },
      { name: 'b', models: [dear], script: { dear: [{ stream: [text('fast'), finish()] }] } },
    ]);
    const pending = collect(router.stream({ ...say('hi'), timeToFirstTokenMs: 1000 }));
    await clock.advance(999);
    expect(adapters[1]?.calls).toHaveLength(0);
    await clock.advance(1);
    const { events } = await pending;
    expect(kinds(events)).toEqual(['fallback', 'start', 'text:fast', 'finish']);
    expect(adapters[0]?.calls[0]?.call.signal.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('streams in flight together share one watchdog timer, and each times out at its own due time', async () => {
    const mid = { id: 'mid', inputUsdPerMTok: 0.5, outputUsdPerMTok: 0.5 };
    const slow = (id: string) => ({ stream: [text(id), finish()], latencyMs: 5000 });
    const fast = (id: string) => ({ stream: [text(id), finish()] });
    const { router, clock, adapters } = setup([
      { name: 'a', models: [cheap], script: { cheap: [slow('a')] } },
      { name: 'c', models: [mid], script: { mid: [slow('c')] } },
      { name: 'b', models: [dear], script: { dear: [fast('b1'), fast('b2')] } },
    ]);
    const late = collect(
      router.stream({ ...say('one'), model: ['cheap', 'dear'], timeToFirstTokenMs: 1000 }),
    );
    await clock.advance(100);
    // Started later, due earlier (at 400 ms): the shared timer moves forward for it.
    const early = collect(router.stream({ ...say('two'), model: ['mid', 'dear'], timeToFirstTokenMs: 300 }));
    await clock.advance(299);
    expect(adapters[2]?.calls).toHaveLength(0);
    await clock.advance(1);
    expect(kinds((await early).events)).toEqual(['fallback', 'start', 'text:b1', 'finish']);
    await clock.advance(599);
    expect(adapters[2]?.calls).toHaveLength(1);
    await clock.advance(1);
    expect(kinds((await late).events)).toEqual(['fallback', 'start', 'text:b2', 'finish']);
    expect(adapters[0]?.calls[0]?.call.signal.aborted).toBe(true);
    expect(adapters[1]?.calls[0]?.call.signal.aborted).toBe(true);
    // Nothing waits any more: no timer is left behind.
    expect(clock.pendingTimers).toBe(0);
  });

  it('a cut after content ends with StreamInterruptedError carrying partial text and attempts; no fallback', async () => {
    const { router, adapters } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ stream: [text('Hel')], breakWith: 'stream_cut' }] } },
      { name: 'b', models: [dear] },
    ]);
    const stream = router.stream(say('hi'));
    const { events, error } = await collect(stream);
    expect(kinds(events)).toEqual(['start', 'text:Hel']);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      partialText: 'Hel',
      failure: 'stream_cut',
      attempts: [{ provider: 'a', outcome: 'stream_cut' }],
    });
    await expect(stream.result).rejects.toBe(error);
    expect(adapters[1]?.calls).toHaveLength(0);
  });

  it('a stall after content (no chunk for stallTimeoutMs) interrupts and aborts the upstream call', async () => {
    const { router, clock, adapters } = setup(
      [{ name: 'a', models: [cheap], script: { cheap: [{ stream: [text('Hi')], stallAfter: true }] } }],
      { stallTimeoutMs: 500 },
    );
    const pending = collect(router.stream(say('hi')));
    await clock.advance(499);
    expect(adapters[0]?.calls[0]?.call.signal.aborted).toBe(false);
    await clock.advance(1);
    const { error } = await pending;
    expect(error).toMatchObject({ partialText: 'Hi', failure: 'stall' });
    expect(adapters[0]?.calls[0]?.call.signal.aborted).toBe(true);
  });

  it('stall time counts only while waiting on upstream, not while the consumer is slow', async () => {
    const { router, clock } = setup(
      [
        {
          name: 'a',
          models: [cheap],
          script: { cheap: [{ stream: [text('a'), text('b'), finish()], delayMs: 400 }] },
        },
      ],
      { stallTimeoutMs: 500 },
    );
    const iterator = router.stream(say('hi'))[Symbol.asyncIterator]();
    const first = iterator.next();
    await clock.advance(400);
    expect((await first).value).toMatchObject({ type: 'start' });
    await clock.advance(2000); // the consumer dawdles; nothing is being read
    const rest: RouterStreamEvent[] = [];
    const reading = (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
    })();
    await clock.advance(400);
    await clock.advance(400);
    await reading;
    expect(kinds(rest)).toEqual(['text:a', 'text:b', 'finish']);
  });

  it("onInterrupt 'continue' asks the next candidate to continue from the partial text", async () => {
    const { router, adapters } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ stream: [text('Hel')], breakWith: 'stream_cut' }] } },
      { name: 'b', models: [dear], script: { dear: [{ stream: [text('lo'), finish()] }] } },
    ]);
    const stream = router.stream({ ...say('hi'), onInterrupt: 'continue' });
    const { events } = await collect(stream);
    expect(kinds(events)).toEqual(['start', 'text:Hel', 'fallback', 'start', 'text:lo', 'finish']);
    const result = await stream.result;
    expect(result.text).toBe('Hello');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['stream_cut', 'success']);
    expect(adapters[1]?.calls[0]?.call.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'Hel' },
      { role: 'user', content: expect.stringContaining('Continue it exactly where it stopped') },
    ]);
  });

  it("onInterrupt 'continue': the broken piece's tokens and cost are both in the result (issue 14, defect 9)", async () => {
    const { router } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ stream: [text('Hel')], breakWith: 'stream_cut' }] } },
      { name: 'b', models: [dear], script: { dear: [{ stream: [text('lo'), finish(10, 2)] }] } },
    ]);
    const stream = router.stream({ ...say('hi'), onInterrupt: 'continue' });
    await collect(stream);
    const result = await stream.result;
    const brokenTokens = result.usage.totalTokens - 12;
    expect(brokenTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((brokenTokens * 0.1 + 12 * 1) / 1e6, 15);
  });

  it('a stream its reader leaves gives its slot back (maxConcurrent 1 admits the next call)', async () => {
    const { router } = setup([
      {
        name: 'a',
        models: [{ ...cheap, limits: { maxConcurrent: 1 } }],
        script: { cheap: [{ stream: [text('a'), text('b'), finish()] }] },
      },
    ]);
    for await (const event of router.stream(say('hi'))) if (event.type === 'text-delta') break;
    const next = await router.chat({ ...say('again'), timeoutMs: 1000 });
    expect(next.text).toBe('ok');
  });

  it('an abort mid-stream rejects with the reason and closes the upstream iterator', async () => {
    const { router, adapters, clock } = setup([{ name: 'a', models: [cheap] }]);
    let returned = 0;
    let nexts = 0;
    (adapters[0] as { doStream: unknown }).doStream = async () => ({
      events: {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            nexts++;
            return { done: false, value: text(`t${nexts}`) };
          },
          return: async () => {
            returned++;
            return { done: true, value: undefined };
          },
        }),
      },
    });
    const controller = new AbortController();
    const stream = router.stream({ ...say('hi'), signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // start
    await iterator.next(); // t1
    expect(nexts).toBe(1); // pull-based: nothing read ahead
    controller.abort('user left');
    await expect(iterator.next()).rejects.toBe('user left');
    await expect(stream.result).rejects.toBe('user left');
    expect(returned).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('after an abort not one more event is delivered, even one already read', async () => {
    const { router } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ stream: [text('a'), text('b'), finish()] }] } },
    ]);
    const controller = new AbortController();
    const iterator = router.stream({ ...say('hi'), signal: controller.signal })[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'start' });
    controller.abort('stop');
    await expect(iterator.next()).rejects.toBe('stop');
    expect((await iterator.next()).done).toBe(true);
  });

  it('breaking out of the loop closes the upstream and the result rejects with an AbortError', async () => {
    const { router } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ stream: [text('a'), text('b'), finish()] }] } },
    ]);
    const stream = router.stream(say('hi'));
    for await (const event of stream) if (event.type === 'text-delta') break;
    await expect(stream.result).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('awaiting result without iterating consumes the stream', async () => {
    const { router } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ stream: [text('x'), finish()] }] } },
    ]);
    const stream = router.stream(say('hi'));
    await expect(stream.result).resolves.toMatchObject({ text: 'x' });
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/iterated only once/);
  });

  it('observing result mid-iteration never takes events from the iterating caller', async () => {
    const { router } = setup([
      {
        name: 'a',
        models: [cheap],
        script: { cheap: [{ stream: [text('a'), text('b'), text('c'), finish()] }] },
      },
    ]);
    const stream = router.stream(say('hi'));
    const seen: RouterStreamEvent[] = [];
    let observed: Promise<unknown> | undefined;
    for await (const event of stream) {
      seen.push(event);
      observed ??= stream.result.then((result) => result.text);
    }
    expect(kinds(seen)).toEqual(['start', 'text:a', 'text:b', 'text:c', 'finish']);
    await expect(observed).resolves.toBe('abc');
  });

  it('a result nobody awaits causes no unhandled rejection', async () => {
    const { router, clock } = setup([
      { name: 'a', models: [cheap], script: { cheap: [{ stream: [text('x')], breakWith: 'stream_cut' }] } },
    ]);
    const { error } = await collect(router.stream(say('hi')));
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    await clock.flush(); // an unhandled rejection would fail the run here
  });

  it('the deadline covers the whole stream', async () => {
    const before = setup([{ name: 'a', models: [cheap], script: { cheap: [{ hang: true }] } }]);
    const early = collect(before.router.stream({ ...say('hi'), timeoutMs: 300 }));
    await before.clock.advance(300);
    expect(DeadlineExceededError.isInstance((await early).error)).toBe(true);

    const { router, clock } = setup([
      {
        name: 'a',
        models: [cheap],
        script: { cheap: [{ stream: [text('a'), text('b'), text('c'), finish()], delayMs: 400 }] },
      },
    ]);
    const pending = collect(router.stream({ ...say('hi'), timeoutMs: 1000 }));
    await clock.runAll();
    const { events, error } = await pending;
    expect(kinds(events)).toEqual(['start', 'text:a', 'text:b']);
    expect(error).toMatchObject({ partialText: 'ab', failure: 'timeout' });
    expect(DeadlineExceededError.isInstance((error as StreamInterruptedError).cause)).toBe(true);
  });

  it('relays tool calls; an interrupted tool call is reported as partial', async () => {
    const call = { id: 'c1', name: 'lookup', arguments: { q: 'x' } };
    const { router } = setup([
      {
        name: 'a',
        models: [cheap],
        script: {
          cheap: [
            {
              stream: [
                { type: 'tool-call', toolCall: call },
                { type: 'finish', finishReason: 'tool-calls' },
              ],
            },
            {
              stream: [
                { type: 'tool-call-delta', index: 0, id: 'c2', name: 'lookup', argumentsDelta: '{"q":' },
              ],
              breakWith: 'stream_cut',
            },
          ],
        },
      },
    ]);
    const tools = [{ name: 'lookup', parameters: { type: 'object' } }];
    const first = router.stream({ ...say('hi'), tools });
    expect(kinds((await collect(first)).events)).toEqual(['start', 'tool-call', 'finish']);
    expect(await first.result).toMatchObject({ toolCalls: [call], finishReason: 'tool-calls' });
    const { error } = await collect(router.stream({ ...say('hi'), tools }));
    expect((error as StreamInterruptedError).partialToolCalls).toEqual([
      { id: 'c2', name: 'lookup', arguments: '{"q":', rawArguments: '{"q":' },
    ]);
  });

  it('a content-filter finish before content falls back when the request opts in', async () => {
    const { router } = setup([
      {
        name: 'a',
        models: [cheap],
        script: { cheap: [{ stream: [{ type: 'finish', finishReason: 'content-filter' }] }] },
      },
      { name: 'b', models: [dear], script: { dear: [{ stream: [text('fine'), finish()] }] } },
    ]);
    const stream = router.stream({ ...say('hi'), fallbackOnContentFilter: true });
    await collect(stream);
    expect((await stream.result).text).toBe('fine');
  });

  it('an invalid request rejects the iteration and the result, and nothing is sent', async () => {
    const { router, adapters } = setup([{ name: 'a', models: [cheap] }]);
    const schema: Record<string, unknown> = { type: 'object' };
    schema.self = schema;
    const stream = router.stream({ ...say('hi'), responseFormat: { type: 'json-schema', schema } });
    const { events, error } = await collect(stream);
    expect(events).toEqual([]);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    await expect(stream.result).rejects.toMatchObject({ field: 'responseFormat.schema' });
    const empty = await collect(router.stream({ messages: [] }));
    expect(InvalidRequestError.isInstance(empty.error)).toBe(true);
    expect(adapters[0]?.calls).toHaveLength(0);
  });
});
