import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AdapterStreamEvent, ProviderError } from '@spillway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { anthropic } from './anthropic-provider.js';

// The adapter reads a stream's named server-sent events itself, as the SDK's stream did (decision
// 2251). These streams are written by hand, byte by byte where it matters, to pin what the simulator
// never sends.

const KEY = 'sk-ant-stream-test-0123456789abcdef';
let server: Server | undefined;
/** Sockets the server saw close, counted to tell that stopping early closed the connection. */
let closedSockets = 0;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/**
 * A server that answers every request with `writes`, one write each, and these headers; `open` leaves
 * the response open after them. (The client may still read two writes at once; the decoder's own tests
 * cut a stream at every byte.)
 */
async function serve(
  writes: Array<string | Buffer>,
  headers: Record<string, string> = {},
  open = false,
): Promise<string> {
  closedSockets = 0;
  server = createServer(async (request, response) => {
    for await (const _chunk of request);
    response.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_200', ...headers });
    for (const write of writes) {
      response.write(write);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!open) response.end();
  });
  server.on('connection', (socket) => socket.on('close', () => closedSockets++));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function open(baseURL: string) {
  const adapter = anthropic({ apiKey: KEY, baseURL });
  return adapter.doStream({
    model: 'claude-haiku-4-5',
    messages: [{ role: 'user', content: 'hi' }],
    signal: new AbortController().signal,
  });
}

async function read(baseURL: string) {
  const stream = await open(baseURL);
  const events: AdapterStreamEvent[] = [];
  try {
    for await (const event of stream.events) events.push(event);
    return { events, stream, error: undefined };
  } catch (error) {
    return { events, stream, error };
  }
}

const frame = (name: string, value: unknown, end = '\n') =>
  `event: ${name}${end}data: ${JSON.stringify(value)}${end}${end}`;
const start = (usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 1 }) =>
  frame('message_start', { type: 'message_start', message: { usage } });
const text = (value: string, end = '\n') =>
  frame(
    'content_block_delta',
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: value } },
    end,
  );
const finish = (end = '\n') =>
  frame(
    'message_delta',
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } },
    end,
  ) + frame('message_stop', { type: 'message_stop' }, end);

describe('anthropic() streams', () => {
  it('reads CRLF events split between writes, a character split between writes, and skips ping and unknown events', async () => {
    const body = `${text('héllo ', '\r\n')}event: ping\r\ndata: {"type": "ping"}\r\n\r\n${frame('future_event', { type: 'future_event' }, '\r\n')}${text('wörld', '\r\n')}${finish('\r\n')}`;
    const bytes = Buffer.from(body);
    // Cut inside the two-byte "é" and between a CR and its LF.
    const cuts = [bytes.indexOf('é') + 1, bytes.indexOf('\r\n', bytes.indexOf('ping')) + 1];
    const baseURL = await serve([
      start(),
      bytes.subarray(0, cuts[0]),
      bytes.subarray(cuts[0], cuts[1]),
      bytes.subarray(cuts[1]),
    ]);
    const { events, error, stream } = await read(baseURL);
    expect(error).toBeUndefined();
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'héllo ' },
      { type: 'text-delta', text: 'wörld' },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13 },
    });
    expect(stream.requestId).toBe('req_200');
  });

  it('keeps prompt-caching usage: writes by lifetime and reads', async () => {
    const usage = {
      input_tokens: 4,
      output_tokens: 1,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 50,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
    };
    const { events } = await read(await serve([start(usage), text('a'), finish()]));
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      usage: {
        inputTokens: 354,
        outputTokens: 3,
        cachedInputTokens: 50,
        cacheWriteInputTokens: 300,
        cacheWrite1hInputTokens: 200,
      },
    });
  });

  it('fails on an error event mid-stream, classified by its type, with the request id and limits of the 200', async () => {
    const body = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const baseURL = await serve([start(), text('par'), `event: error\ndata: ${JSON.stringify(body)}\n\n`], {
      'request-id': 'req_in_band',
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-ratelimit-requests-reset': new Date(Date.now() + 60_000).toISOString(),
    });
    const { events, error } = await read(baseURL);
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'par' },
    ]);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'overloaded', provider: 'anthropic', requestId: 'req_in_band' });
    expect((error as ProviderError).message).toContain('Overloaded');
    expect((error as ProviderError).rateLimit?.requests).toMatchObject({ limit: 50, remaining: 49 });
  });

  it('ends as stream_cut when the body ends before message_stop, and as server on a bad event', async () => {
    const cut = await read(await serve([start(), text('a'), text('b').slice(0, -1)]));
    // The last event never got its blank line: it is dropped, as the SDK drops it.
    expect(cut.events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'a' },
    ]);
    expect(cut.error).toMatchObject({ failure: 'stream_cut' });
    expect((cut.error as Error).message).toContain('message_stop');
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const bad = await read(await serve([start(), 'event: content_block_delta\ndata: {"type": [\n\n']));
    expect(bad.error).toMatchObject({ failure: 'server', requestId: 'req_200' });
    expect((bad.error as Error).message).toContain('malformed response');
  });

  it('closes the connection when the reader stops early', async () => {
    const baseURL = await serve([start(), text('a')], {}, true);
    const stream = await open(baseURL);
    for await (const event of stream.events) if (event.type === 'text-delta') break;
    await expect.poll(() => closedSockets).toBe(1);
  });
});
