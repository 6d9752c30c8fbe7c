import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { type AdapterStreamEvent, ProviderError } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { convertStream } from './convert-stream.js';

const context = { provider: 'anthropic', model: 'claude-test', signal: new AbortController().signal };

type Event = Record<string, unknown>;

async function* source(events: Event[], end?: Error): AsyncGenerator<RawMessageStreamEvent> {
  for (const event of events) yield event as unknown as RawMessageStreamEvent;
  if (end) throw end;
}

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

  it('throws the class of an in-band error and a cut for a broken socket', async () => {
    const { APIError } = await import('@anthropic-ai/sdk');
    const body = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const inBand = new APIError(undefined, body, undefined, new Headers(), 'overloaded_error');
    await expect(collect(convertStream(source([start], inBand), context))).rejects.toMatchObject({
      failure: 'overloaded',
    });
    await expect(
      collect(convertStream(source([start], new TypeError('terminated')), context)),
    ).rejects.toMatchObject({ failure: 'stream_cut' });
  });

  it('rethrows the abort reason instead of reporting a cut when the caller aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    async function* abortingSource(): AsyncGenerator<RawMessageStreamEvent> {
      yield start as unknown as RawMessageStreamEvent;
      controller.abort(reason);
      // The SDK ends quietly once its request is aborted.
    }
    await expect(
      collect(convertStream(abortingSource(), { ...context, signal: controller.signal })),
    ).rejects.toBe(reason);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<RawMessageStreamEvent> {
      try {
        yield start as unknown as RawMessageStreamEvent;
        while (true) {
          yield { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } } as never;
        }
      } finally {
        closed = true;
      }
    }
    for await (const event of convertStream(endless(), context)) {
      if (event.type === 'text-delta') break;
    }
    expect(closed).toBe(true);
  });
});
