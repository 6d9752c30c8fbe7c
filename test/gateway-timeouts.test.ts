// The gateway's deadlines on the router's fake clock, through the official clients: a non-streamed
// request that outlives requestTimeoutMs gets the client's own 504 and its provider call is aborted;
// a stream that goes quiet after content is ended by the router's stallTimeoutMs with an in-band
// error the SDK throws; a body that never finishes arriving gets 408.
import { request as httpRequest } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { type Gateway, startGateway } from '@spillway/gateway';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { useTwoProviderRouter } from './two-provider-router.js';

const env = useTwoProviderRouter();
const KEY = 'sk-gw-deadline-0123456789';
const TIMEOUT_MS = 5_000;
// The router's default stallTimeoutMs: the gateway adds no watchdog of its own for streams.
const STALL_MS = 30_000;
let gateway: Gateway | undefined;

async function start(): Promise<string> {
  gateway = await startGateway({
    router: env.router,
    keys: [{ key: KEY }],
    requestTimeoutMs: TIMEOUT_MS,
    clock: env.clock,
  });
  return gateway.url;
}

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const openaiClient = (url: string) => new OpenAI({ apiKey: KEY, baseURL: `${url}/v1`, maxRetries: 0 });
const anthropicClient = (url: string) => new Anthropic({ apiKey: KEY, baseURL: url, maxRetries: 0 });
const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

/** Moves the router's clock on until `done()` (each step lets the sockets and the router run). */
async function advanceUntil(done: () => boolean, stepMs: number): Promise<void> {
  await expect
    .poll(async () => {
      if (!done()) await env.clock.advance(stepMs);
      return done();
    })
    .toBe(true);
}

describe('gateway deadlines', () => {
  it('answers a non-streamed chat that outlives requestTimeoutMs with OpenAI’s 504 and aborts the provider call', async () => {
    const url = await start();
    env.openaiSim.setFaults({ script: ['timeout'] });
    const call = settle(
      openaiClient(url).chat.completions.create({
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    );
    await expect.poll(() => env.openaiSim.stats().inFlight).toBe(1);
    await env.clock.advance(TIMEOUT_MS - 1);
    expect(env.openaiSim.stats().inFlight).toBe(1);
    await env.clock.advance(1);
    const { error } = await call;
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('timeout');
    await expect.poll(() => env.openaiSim.stats().inFlight).toBe(0);
    await expect.poll(() => gateway?.inFlight()).toBe(0);
  });

  it('answers a non-streamed message that outlives requestTimeoutMs with Anthropic’s timeout_error', async () => {
    const url = await start();
    env.anthropicSim.setFaults({ script: ['timeout'] });
    const call = settle(
      anthropicClient(url).messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    );
    await expect.poll(() => env.anthropicSim.stats().inFlight).toBe(1);
    await env.clock.advance(TIMEOUT_MS);
    const { error } = await call;
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(504);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'timeout_error' },
    });
    await expect.poll(() => env.anthropicSim.stats().inFlight).toBe(0);
  });

  it('answers a stream with no first content by requestTimeoutMs with OpenAI’s 504 from create()', async () => {
    const url = await start();
    env.openaiSim.setFaults({ script: ['timeout'] });
    const call = settle(
      openaiClient(url).chat.completions.create({
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      }),
    );
    await expect.poll(() => env.openaiSim.stats().inFlight).toBe(1);
    await env.clock.advance(TIMEOUT_MS);
    const { error } = await call;
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    await expect.poll(() => env.openaiSim.stats().inFlight).toBe(0);
  });

  it('ends an OpenAI stream that goes quiet after content with an in-band error, not a clean end', async () => {
    const url = await start();
    env.openaiSim.setFaults({ script: [{ outcome: 'stallMidStream', afterChunks: 2 }] });
    const stream = await openaiClient(url).chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    let outcome: { error: unknown } | undefined;
    void settle(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    ).then((settled) => {
      outcome = settled;
    });
    // Past the gateway's own deadline too: a started stream is the router's to watch.
    await advanceUntil(() => outcome !== undefined, STALL_MS / 2);
    expect(text.length).toBeGreaterThan(0);
    expect(outcome?.error).toBeInstanceOf(OpenAI.APIError);
    expect(String((outcome?.error as Error | undefined)?.message)).toMatch(/broke \(stall\)/);
    await expect.poll(() => env.openaiSim.stats().inFlight).toBe(0);
  });

  it('ends an Anthropic stream that goes quiet after content with an in-band error event', async () => {
    const url = await start();
    env.anthropicSim.setFaults({ script: [{ outcome: 'stallMidStream', afterChunks: 2 }] });
    const stream = await anthropicClient(url).messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    let outcome: { error: unknown } | undefined;
    void settle(
      (async () => {
        for await (const event of stream)
          if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
            text += event.delta.text;
      })(),
    ).then((settled) => {
      outcome = settled;
    });
    await advanceUntil(() => outcome !== undefined, STALL_MS / 2);
    expect(text.length).toBeGreaterThan(0);
    expect(outcome?.error).toBeInstanceOf(Anthropic.APIError);
    expect(String((outcome?.error as Error | undefined)?.message)).toMatch(/broke \(stall\)/);
    await expect.poll(() => env.anthropicSim.stats().inFlight).toBe(0);
  });

  it('answers a body that is still arriving at the deadline with 408 in OpenAI’s shape', async () => {
    const url = new URL(await start());
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/v1/chat/completions',
          method: 'POST',
          headers: {
            authorization: `Bearer ${KEY}`,
            'content-type': 'application/json',
            'content-length': 100,
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('{"model": "auto", ');
    });
    await expect.poll(() => gateway?.inFlight()).toBe(1);
    await env.clock.advance(TIMEOUT_MS);
    const { status, body } = await response;
    expect(status).toBe(408);
    expect(JSON.parse(body)).toMatchObject({
      error: { type: 'invalid_request_error', code: 'request_timeout' },
    });
    expect(env.openaiSim.stats().requests).toBe(0);
  });
});
