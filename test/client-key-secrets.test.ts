// A client the user configured carries a key the router never saw as `apiKey`. When an upstream echoes
// that key (not shaped like any known key) in its error body, it must not reach an error, an event, the
// logger or a later NoEligibleModelError (issue 14, defect 4).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { anthropic } from '@spillway/anthropic';
import { createRouter, type ProviderAdapter, type RouterEventName } from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import { FakeClock } from '@spillway/testing';
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EVENTS: RouterEventName[] = [
  'request-start',
  'attempt-start',
  'attempt-failed',
  'fallback',
  'rate-limited',
  'request-finish',
  'provider-disabled',
  'model-unavailable',
  'cooldown-start',
  'cooldown-end',
  'circuit-open',
  'circuit-half-open',
  'circuit-close',
  'budget-low',
  'queued',
];

let server: Server;
let baseURL: string;

// Answers every call with the provider's 401, quoting back whatever key the client sent.
beforeAll(async () => {
  server = createServer((request, response) => {
    const key =
      request.headers['x-api-key'] ?? String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    const anthropicShape = request.url?.includes('/v1/messages');
    const body = anthropicShape
      ? { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${key}` } }
      : {
          error: {
            message: `Incorrect API key provided: ${key}.`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        };
    request.resume();
    response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const cases: Array<[string, (key: string) => ProviderAdapter]> = [
  [
    'anthropic',
    (key) =>
      anthropic({
        client: new Anthropic({ apiKey: key, baseURL, maxRetries: 0 }),
        models: ['claude-haiku-4-5'],
      }),
  ],
  [
    'openai',
    (key) =>
      openai({
        client: new OpenAI({ apiKey: key, baseURL: `${baseURL}/v1`, maxRetries: 0 }),
        models: ['gpt-5.4-mini'],
      }),
  ],
  [
    'groq',
    (key) =>
      groq({ client: new Groq({ apiKey: key, baseURL, maxRetries: 0 }), models: ['openai/gpt-oss-20b'] }),
  ],
];

describe.each(cases)('%s({ client }) registers the client key as a secret', (name, build) => {
  it('keeps an echoed key out of errors, events, the logger and NoEligibleModelError', async () => {
    const key = `team-${name}-7f3a9c1e5b2d4a6f0e8d`;
    const seen: string[] = [];
    const log = (message: string, details?: unknown) => seen.push(message, JSON.stringify(details ?? null));
    const router = createRouter({
      providers: [build(key)],
      clock: new FakeClock(),
      logger: { warn: log, error: log, debug: log },
    });
    for (const event of EVENTS) router.on(event, (payload) => seen.push(JSON.stringify(payload)));
    const request = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 8 };
    const first = await router.chat(request).catch((error: unknown) => error);
    const second = await router.chat(request).catch((error: unknown) => error);
    for (const error of [first, second]) {
      expect(error).toBeInstanceOf(Error);
      seen.push(String(error), (error as Error).message, JSON.stringify(error));
      const cause = (error as Error).cause;
      if (cause) seen.push(String(cause), JSON.stringify(cause));
    }
    expect((second as { code?: string }).code).toBe('no_eligible_model');
    seen.push(JSON.stringify(router.stats()));
    // The upstream really did quote the key: the first attempt's message carries its redacted form.
    expect(seen.join('\n')).toContain('[redacted]');
    expect(seen.join('\n')).not.toContain(key);
    await router.close();
  });
});
