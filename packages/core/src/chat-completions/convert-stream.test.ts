import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import type { AdapterStreamEvent } from '../spec.js';
import { convertStream } from './convert-stream.js';
import type { WireChunk } from './wire-types.js';

const encoder = new TextEncoder();

/** A streamed response body: one SSE event per chunk (then `[DONE]`), in one read each; `end` errors it. */
function from(chunks: WireChunk[], end?: Error): ReadableStream<Uint8Array> {
  const frames = [
    ...chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`),
    ...(end ? [] : ['data: [DONE]\n\n']),
  ];
  return sse(frames, end);
}

function sse(frames: string[], end?: Error, onCancel?: () => void): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const frame = frames[next++];
      if (frame !== undefined) controller.enqueue(encoder.encode(frame));
      else if (end) controller.error(end);
      else controller.close();
    },
    cancel: onCancel,
  });
}

const cut = () => new ProviderError('cut', { failure: 'stream_cut', provider: 'p', model: 'm' });

function context(signal = new AbortController().signal) {
  return {
    signal,
    mapError: (error: unknown) =>
      signal.aborted
        ? signal.reason
        : new ProviderError(String(error), { failure: 'stream_cut', provider: 'p', model: 'm' }),
    cutError: cut,
    inBandError: (error: unknown) =>
      new ProviderError(typeof error === 'string' ? error : JSON.stringify(error), {
        failure: 'server',
        provider: 'p',
        model: 'm',
      }),
  };
}

async function collect(iterable: AsyncIterable<AdapterStreamEvent>) {
  const events: AdapterStreamEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

const text = (content: string, finish: string | null = null): WireChunk => ({
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

describe('convertStream', () => {
  it('emits text, then usage and finish after the usage chunk', async () => {
    const events = await collect(
      convertStream(
        from([
          text('Hel'),
          text('lo'),
          text('', 'stop'),
          { choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
        ]),
        context(),
      ),
    );
    const usage = { inputTokens: 3, outputTokens: 2, totalTokens: 5 };
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'stop', usage },
    ]);
  });

  it('assembles tool-call fragments into whole calls and emits the fragments too', async () => {
    const events = await collect(
      convertStream(
        from([
          {
            choices: [
              {
                delta: {
                  tool_calls: [
                    { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
                  ],
                },
              },
            ],
          },
          { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] } }] },
          {
            choices: [
              {
                delta: { tool_calls: [{ index: 1, id: 'call_2', function: { name: 'g', arguments: '{}' } }] },
              },
            ],
          },
          { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] } }] },
          { choices: [{ delta: {}, finish_reason: 'tool_calls' }] },
        ]),
        context(),
      ),
    );
    expect(events.filter((event) => event.type === 'tool-call-delta')).toHaveLength(4);
    expect(events.slice(-3)).toEqual([
      {
        type: 'tool-call',
        toolCall: { id: 'call_1', name: 'f', arguments: { a: 1 }, rawArguments: '{"a":1}' },
      },
      { type: 'tool-call', toolCall: { id: 'call_2', name: 'g', arguments: {}, rawArguments: '{}' } },
      { type: 'finish', finishReason: 'tool-calls' },
    ]);
  });

  it('reads Groq usage from x_groq and fails on x_groq.error', async () => {
    const events = await collect(
      convertStream(
        from([
          text('hi', 'stop'),
          { choices: [], x_groq: { usage: { prompt_tokens: 1, completion_tokens: 1 } } },
        ]),
        context(),
      ),
    );
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
    });
    await expect(
      collect(convertStream(from([text('a'), { x_groq: { error: 'boom' } }]), context())),
    ).rejects.toThrow('boom');
  });

  it('throws stream_cut when the stream ends without a finish reason', async () => {
    const seen: AdapterStreamEvent[] = [];
    const run = async () => {
      for await (const event of convertStream(from([text('partial')]), context())) seen.push(event);
    };
    await expect(run()).rejects.toMatchObject({ failure: 'stream_cut' });
    expect(seen).toEqual([{ type: 'text-delta', text: 'partial' }]);
  });

  it('maps an error thrown while reading', async () => {
    await expect(
      collect(convertStream(from([text('a')], new TypeError('terminated')), context())),
    ).rejects.toMatchObject({
      failure: 'stream_cut',
    });
  });

  it('fails on a chunk with an error object, as the SDKs do', async () => {
    const frames = [
      `data: ${JSON.stringify(text('a'))}\n\n`,
      'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n',
    ];
    const seen: AdapterStreamEvent[] = [];
    const run = async () => {
      for await (const event of convertStream(sse(frames), context())) seen.push(event);
    };
    await expect(run()).rejects.toThrow('{"message":"overloaded","type":"server_error"}');
    expect(seen).toEqual([{ type: 'text-delta', text: 'a' }]);
  });

  it('skips what follows [DONE], and fails on a chunk that is not JSON', async () => {
    const after = [
      `data: ${JSON.stringify(text('a', 'stop'))}\n\n`,
      'data: [DONE]\n\n',
      'data: not json\n\n',
    ];
    expect(await collect(convertStream(sse(after), context()))).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const malformed = [`data: ${JSON.stringify(text('a'))}\n\n`, 'data: {"choices": [\n\n'];
    await expect(collect(convertStream(sse(malformed), context()))).rejects.toThrow(/^SyntaxError/);
    const notAnObject = ['data: null\n\n'];
    await expect(collect(convertStream(sse(notAnObject), context()))).rejects.toThrow(
      'SyntaxError: a stream event is not a JSON object',
    );
  });

  it('fails a response without a body', async () => {
    await expect(collect(convertStream(null, context()))).rejects.toThrow('has no body');
  });

  it('rethrows the abort reason for chunks read after an abort', async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    const seen: AdapterStreamEvent[] = [];
    const run = async () => {
      for await (const event of convertStream(
        from([text('a'), text('b'), text('', 'stop')]),
        context(controller.signal),
      )) {
        seen.push(event);
        controller.abort(reason);
      }
    };
    await expect(run()).rejects.toBe(reason);
    expect(seen).toEqual([{ type: 'text-delta', text: 'a' }]);
  });

  it('cancels the body (closing the connection) when the consumer stops early, not when it ends', async () => {
    let cancelled = 0;
    const frames = [`data: ${JSON.stringify(text('a'))}\n\n`, `data: ${JSON.stringify(text('b'))}\n\n`];
    for await (const _event of convertStream(
      sse(frames, undefined, () => cancelled++),
      context(),
    ))
      break;
    expect(cancelled).toBe(1);
    const whole = [`data: ${JSON.stringify(text('a', 'stop'))}\n\n`, 'data: [DONE]\n\n'];
    await collect(
      convertStream(
        sse(whole, undefined, () => cancelled++),
        context(),
      ),
    );
    expect(cancelled).toBe(1);
  });
});
