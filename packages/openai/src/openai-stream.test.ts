import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AdapterStreamEvent, ProviderError } from '@spillway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { openai } from './openai.js';

// The adapter reads a stream's server-sent events itself (decision 2250). These streams are written by
// hand, byte by byte where it matters, to pin what the simulators never send.

const KEY = 'sk-stream-test-0123456789abcdef';
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/**
 * A server that answers every request with `writes`, one write each, and these headers. (The client may
 * still read two writes at once; the decoder's own tests cut a stream at every byte.)
 */
async function serve(writes: Array<string | Buffer>, headers: Record<string, string> = {}): Promise<string> {
  server = createServer(async (request, response) => {
    for await (const _chunk of request);
    response.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
    for (const write of writes) {
      response.write(write);
      await new Promise((resolve) => setImmediate(resolve));
    }
    response.end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

async function read(baseURL: string) {
  const adapter = openai({ apiKey: KEY, baseURL });
  const stream = await adapter.doStream({
    model: 'gpt-5.4-mini',
    messages: [{ role: 'user', content: 'hi' }],
    signal: new AbortController().signal,
  });
  const events: AdapterStreamEvent[] = [];
  try {
    for await (const event of stream.events) events.push(event);
    return { events, stream, error: undefined };
  } catch (error) {
    return { events, stream, error };
  }
}

const chunk = (content: string, finish: string | null = null) =>
  JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] });

describe('openai() streams', () => {
  it('reads CRLF events split anywhere, comments, and characters split between writes', async () => {
    const body = `: keep-alive\r\n\r\ndata: ${chunk('héllo ')}\r\n\r\ndata: ${chunk('wörld', 'stop')}\r\n\r\ndata: [DONE]\r\n\r\n`;
    const bytes = Buffer.from(body);
    // Cut inside the two-byte "é" and between a CR and its LF.
    const cuts = [bytes.indexOf('é') + 1, bytes.indexOf('\r\n', 40) + 1];
    const baseURL = await serve([
      bytes.subarray(0, cuts[0]),
      bytes.subarray(cuts[0], cuts[1]),
      bytes.subarray(cuts[1]),
    ]);
    const { events, error } = await read(baseURL);
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: 'text-delta', text: 'héllo ' },
      { type: 'text-delta', text: 'wörld' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('ignores events after [DONE]', async () => {
    const baseURL = await serve([
      `data: ${chunk('a', 'stop')}\n\n`,
      'data: [DONE]\n\n',
      `data: ${chunk('late')}\n\n`,
    ]);
    const { events } = await read(baseURL);
    expect(events).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('fails on an error object inside the stream, classified by its type, with the headers of the 200', async () => {
    const error = {
      message: 'Rate limit reached for gpt-5.4-mini on tokens per min (TPM): Limit 1000, Used 990',
      type: 'tokens',
      code: 'rate_limit_exceeded',
    };
    const baseURL = await serve([`data: ${chunk('par')}\n\n`, `data: ${JSON.stringify({ error })}\n\n`], {
      'x-request-id': 'req_in_band',
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-reset-requests': '120ms',
    });
    const { events, error: failed } = await read(baseURL);
    expect(events).toEqual([{ type: 'text-delta', text: 'par' }]);
    expect(ProviderError.isInstance(failed)).toBe(true);
    expect(failed).toMatchObject({ failure: 'rate_limit', provider: 'openai', requestId: 'req_in_band' });
    expect((failed as ProviderError).message).toContain('Rate limit reached');
    expect((failed as ProviderError).rateLimit?.requests).toMatchObject({ limit: 500, remaining: 499 });
  });

  it('ends as stream_cut when the body ends before the finish reason, and as server on a bad event', async () => {
    const cut = await read(await serve([`data: ${chunk('a')}\n\n`, `data: ${chunk('b', 'stop')}`]));
    // The last event never got its blank line: it is dropped, as the standard says.
    expect(cut.events).toEqual([{ type: 'text-delta', text: 'a' }]);
    expect(cut.error).toMatchObject({ failure: 'stream_cut' });
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const bad = await read(await serve([`data: ${chunk('a')}\n\n`, 'data: {"choices": [\n\n']));
    expect(bad.error).toMatchObject({ failure: 'server' });
    expect((bad.error as Error).message).toContain('malformed response');
  });
});
