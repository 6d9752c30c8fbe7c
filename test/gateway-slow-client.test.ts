// A client that stops reading a stream (its socket's buffers fill and it never drains) must not hold
// the router stream, the provider connection and its slot: after writeTimeoutMs of a blocked write the
// gateway destroys the connection and closes the stream, on the router's fake clock. A raw socket that
// sends the request and never reads stands for the stuck consumer; the official OpenAI SDK is the
// well-behaved client beside it.
import { connect } from 'node:net';
import { createRouter, type Router } from '@spillway/core';
import { type AccessLogEntry, type Gateway, startGateway } from '@spillway/gateway';
import { openai } from '@spillway/openai';
import { FakeClock, type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const KEY = 'sk-gw-slow-client-0123456789';
const WRITE_TIMEOUT_MS = 5_000;
// Far past anything the test advances: only the gateway's write watch can end the stuck stream.
const STALL_MS = 3_600_000;

let sim: SimulatedProvider;
let clock: FakeClock;
let router: Router;
let gateway: Gateway;
const logged: AccessLogEntry[] = [];

beforeEach(async () => {
  // Tens of thousands of chunks, far more than the loopback buffers hold, then the provider goes
  // quiet without ending: the upstream call stays open until someone closes it.
  sim = await startSimulatedProvider({ protocol: 'openai', replyTokens: 100_000 });
  sim.setFaults({ script: [{ outcome: 'stallMidStream', afterChunks: 80_000 }] });
  clock = new FakeClock();
  router = createRouter({
    clock,
    stallTimeoutMs: STALL_MS,
    providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: ['gpt-5.4-mini'] })],
  });
  logged.length = 0;
  gateway = await startGateway({
    router,
    keys: [{ key: KEY }],
    clock,
    writeTimeoutMs: WRITE_TIMEOUT_MS,
    accessLog: (entry) => logged.push(entry),
  });
});

afterEach(async () => {
  await gateway.close();
  await router.close();
  await sim.close();
});

/** Sends a streamed chat request on a raw socket and never reads the answer. */
function stuckClient(url: string) {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({
    model: 'gpt-5.4-mini',
    messages: [{ role: 'user', content: 'Tell me everything' }],
    max_tokens: 100_000,
    stream: true,
  });
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  socket.pause();
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: ${hostname}:${port}\r\nauthorization: Bearer ${KEY}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  return socket;
}

describe('gateway write timeout', () => {
  it('takes writeTimeoutMs as a positive number only', async () => {
    await expect(startGateway({ router, writeTimeoutMs: 0 })).rejects.toMatchObject({
      code: 'config_error',
      field: 'writeTimeoutMs',
      message: 'writeTimeoutMs must be a positive number, got 0',
    });
  });

  it('cuts a stream whose client stops reading, closes the provider call and records it; others go on', async () => {
    const socket = stuckClient(gateway.url);
    await expect.poll(() => sim.stats().inFlight).toBe(1);

    // A well-behaved client streams to the end beside the stuck one.
    const client = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 16,
      stream: true,
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('length');

    // Once the stuck client's buffers are full, writeTimeoutMs of fake time ends its stream.
    const cut = () => logged.some((entry) => entry.writeTimeout);
    await expect
      .poll(
        async () => {
          if (!cut()) await clock.advance(WRITE_TIMEOUT_MS / 5);
          return cut();
        },
        { timeout: 15_000 },
      )
      .toBe(true);

    const entry = logged.find((logged) => logged.writeTimeout);
    expect(entry).toMatchObject({
      path: '/v1/chat/completions',
      status: 200,
      stream: true,
      incomplete: true,
      writeTimeout: true,
    });
    // The router stream was closed, so the provider call was aborted and its slot freed.
    await expect.poll(() => sim.stats().inFlight).toBe(0);
    await expect.poll(() => gateway.inFlight()).toBe(0);
    // The other client's request ended whole.
    expect(logged.filter((logged) => !logged.writeTimeout)).toEqual([
      expect.not.objectContaining({ incomplete: true }),
    ]);
    const metrics = await fetch(`${gateway.url}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/^spillway_gateway_write_timeouts_total(\{[^}]*\})? 1$/m);
    socket.destroy();
  });
});
