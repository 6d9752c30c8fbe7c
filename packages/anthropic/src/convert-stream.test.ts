import { type AdapterStreamEvent, ProviderError } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { convertStream as convertBody } from './convert-stream.js';

const context = { provider: 'anthropic', model: 'claude-test', signal: new AbortController().signal };
const headers = new Headers({ 'request-id': 'req_200' });

type Event = Record<string, unknown>;

const frame = (event: Event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`;

/** A response body with one read per event (named by its type, as Anthropic sends them), then `end`. */
function source(events: Array<Event | string>, end?: Error): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const reads = events.map((event) => encoder.encode(typeof event === 'string' ? event : frame(event)));
  return new ReadableStream({
    pull(controller) {
      const next = reads.shift();
      if (next) controller.enqueue(next);
      else if (end) controller.error(end);
      else controller.close();
    },
  });
}

const convertStream = (body: ReadableStream<Uint8Array>, streamContext: typeof context) =>
  convertBody(body, headers, streamContext);

async function collect(iterable: AsyncIterable<AdapterStreamEvent>): Promise<AdapterStreamEvent[]> {
  const events: AdapterStreamEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

const start = {
  type: 'message_start',
  message: { usage: { input_tokens: 25, output_tokens: 1, cache_read_input_tokens: 5 } },
};
const stop = { type: 'message_stop' };

describe('convertStream', () => {
  it('passes text through and ends with finish carrying cumulative usage', async () => {
    const events = await collect(
      convertStream(
        source([
          start,
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 10 } },
          {
            type: 'message_delta',
            delta: { stop_reason: null },
            usage: { output_tokens: 15, input_tokens: null },
          },
          stop,
        ]),
        context,
      ),
    );
    const final = { inputTokens: 30, outputTokens: 15, totalTokens: 45, cachedInputTokens: 5 };
    expect(events).toEqual([
      { type: 'usage', usage: { inputTokens: 30, outputTokens: 1, totalTokens: 31, cachedInputTokens: 5 } },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'usage', usage: { inputTokens: 30, outputTokens: 10, totalTokens: 40, cachedInputTokens: 5 } },
      { type: 'usage', usage: final },
      { type: 'finish', finishReason: 'stop', usage: final },
    ]);
  });

  it('assembles tool input fragments into whole tool calls', async () => {
    const events = await collect(
      convertStream(
        source([
          start,
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Checking.' } },
          { type: 'content_block_stop', index: 0 },
          {
            type: 'content_block_start',
            index: 1,
            content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} },
          },
          {
            type: 'content_block_delta',
            index: 1,
            delta: { type: 'input_json_delta', partial_json: '{"city":' },
          },
          {
            type: 'content_block_delta',
            index: 1,
            delta: { type: 'input_json_delta', partial_json: '"Paris"}' },
          },
          { type: 'content_block_stop', index: 1 },
          {
            type: 'content_block_start',
            index: 2,
            content_block: { type: 'tool_use', id: 'toolu_2', name: 'time', input: {} },
          },
          { type: 'content_block_stop', index: 2 },
          { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 30 } },
          stop,
        ]),
        context,
      ),
    );
    expect(events.filter((event) => event.type !== 'usage')).toEqual([
      { type: 'text-delta', text: 'Checking.' },
      { type: 'tool-call-delta', index: 0, id: 'toolu_1', name: 'weather', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      {
        type: 'tool-call',
        toolCall: {
          id: 'toolu_1',
          name: 'weather',
          arguments: { city: 'Paris' },
          rawArguments: '{"city":"Paris"}',
        },
      },
      { type: 'tool-call-delta', index: 1, id: 'toolu_2', name: 'time', argumentsDelta: '' },
      { type: 'tool-call', toolCall: { id: 'toolu_2', name: 'time', arguments: {}, rawArguments: '{}' } },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        usage: { inputTokens: 30, outputTokens: 30, totalTokens: 60, cachedInputTokens: 5 },
      },
    ]);
  });

  it('throws stream_cut when the stream ends without message_stop, after what did arrive', async () => {
    const seen: AdapterStreamEvent[] = [];
    const events = [
      start,
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
    ];
    const error = await (async () => {
      for await (const event of convertStream(source(events), context)) seen.push(event);
    })().catch((caught: unknown) => caught);
    expect(seen.map((event) => event.type)).toEqual(['usage', 'text-delta']);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'stream_cut', provider: 'anthropic', model: 'claude-test' });
  });

  it("throws the class of an in-band error event, with the 200's request id, and a cut for a broken socket", async () => {
    const body = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const inBand = `event: error\ndata: ${JSON.stringify(body)}\n\n`;
    await expect(collect(convertStream(source([start, inBand]), context))).rejects.toMatchObject({
      failure: 'overloaded',
      requestId: 'req_200',
    });
    // An error event whose data is not JSON, or that has none, still fails the stream (as in the SDK).
    for (const bad of ['event: error\ndata: oops\n\n', 'event: error\n\n'])
      await expect(collect(convertStream(source([start, bad]), context))).rejects.toMatchObject({
        failure: 'server',
      });
    await expect(
      collect(convertStream(source([start], new TypeError('terminated')), context)),
    ).rejects.toMatchObject({ failure: 'stream_cut' });
  });

  it('skips ping, unnamed events and events without data; handles other named events by their type', async () => {
    const delta = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } };
    const events = await collect(
      convertStream(
        source([
          start,
          'event: ping\ndata: not json\n\n',
          `data: ${JSON.stringify({ ...delta, delta: { type: 'text_delta', text: 'unnamed' } })}\n\n`,
          'event: content_block_delta\n\n',
          'event: some_new_event\ndata: {"type":"some_new_event"}\n\n',
          `event: renamed\ndata: ${JSON.stringify(delta)}\n\n`,
          stop,
        ]),
        context,
      ),
    );
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'x' },
    ]);
    expect(events.at(-1)?.type).toBe('finish');
  });

  it('fails a named event whose data is not JSON as a malformed answer', async () => {
    const error = await collect(
      convertStream(source([start, 'event: content_block_delta\ndata: {broken\n\n']), context),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ failure: 'server', requestId: 'req_200' });
    expect((error as Error).message).toContain('malformed response');
  });

  it('rethrows the abort reason instead of reporting a cut when the caller aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const body = source([
      start,
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } },
    ]);
    const seen: AdapterStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of convertStream(body, { ...context, signal: controller.signal })) {
        seen.push(event);
        controller.abort(reason);
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    expect(seen.map((event) => event.type)).toEqual(['usage']);
  });

  it('cancels the body when the consumer stops early', async () => {
    let cancelled = false;
    const delta = new TextEncoder().encode(
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } }),
    );
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(frame(start)));
      },
      pull(controller) {
        controller.enqueue(delta);
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of convertStream(endless, context)) {
      if (event.type === 'text-delta') break;
    }
    expect(cancelled).toBe(true);
  });
});
