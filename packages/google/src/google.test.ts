import { ConfigError, type Message, ProviderError } from '@spillway/core';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { drain, makeCall } from '@spillway/testing/conformance';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { google } from './google.js';
import { msUntilPacificMidnight } from './pacific-midnight.js';

let sim: SimulatedProvider;
const MODEL = 'gemini-2.5-flash';

beforeAll(async () => {
  sim = await startSimulatedProvider({ protocol: 'gemini' });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.reset();
  delete process.env.GEMINI_API_KEY;
  delete process.env.GOOGLE_API_KEY;
});

const adapter = (options: Parameters<typeof google>[0] = {}) =>
  google({ apiKey: sim.apiKey, baseURL: sim.baseURL, ...options });
const lastBody = () => sim.stats().lastRequest?.body as Record<string, unknown>;

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe('google()', () => {
  it('reads no key until the first call, then GOOGLE_API_KEY or GEMINI_API_KEY', async () => {
    const lazy = google({ baseURL: sim.baseURL, models: [MODEL] });
    process.env.GEMINI_API_KEY = sim.apiKey;
    const result = await lazy.doGenerate(makeCall(MODEL));
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('without a key fails the call as auth, naming both variables', async () => {
    const error = await failure(google({ baseURL: sim.baseURL }).doGenerate(makeCall(MODEL)));
    expect(error.failure).toBe('auth');
    expect(error.message).toMatch(/GOOGLE_API_KEY or GEMINI_API_KEY/);
    expect(sim.stats().requests).toBe(0);
  });

  it('rejects bad options with a ConfigError naming the field', () => {
    expect(() => google({ baseURL: 'not a url' })).toThrow(ConfigError);
    expect(() => google({ apiKey: 12345 as unknown as string })).toThrow(/apiKey/);
    expect(() => google({ client: {} as never })).toThrow(/client/);
    expect(() => google({ tier: 'gold' as never })).toThrow(/tier must be one of free, tier1/);
    expect(() => google({ models: ['no-such-model'] })).toThrow(/unknown model/);
  });

  it("gives catalog models their tier's published limits unless limits are configured", () => {
    const byId = (provider: ReturnType<typeof google>) => new Map(provider.models.map((m) => [m.id, m]));
    expect(byId(google()).get('gemini-2.5-flash')?.limits).toEqual({ rpm: 1000, inputTpm: 1_000_000 });
    expect(byId(google({ tier: 'free' })).get('gemini-2.5-flash')?.limits).toEqual({
      rpm: 10,
      inputTpm: 250_000,
    });
    const configured = google({ limits: { rpm: 7 } });
    expect(byId(configured).get('gemini-2.5-flash')?.limits).toBeUndefined();
    expect(configured.limits).toEqual({ rpm: 7 });
  });

  it('sends the system instruction, tools, tool choice, JSON schema, stops, images and tool results', async () => {
    const messages: Message[] = [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
        ],
      },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'look', arguments: { zoom: 2 } }] },
      { role: 'tool', toolCallId: 'call_1', content: '{"seen":"a cat"}' },
      { role: 'tool', toolCallId: 'call_1', content: 'plain text', isError: true },
    ];
    const warnings: string[] = [];
    await adapter().doGenerate(
      makeCall(MODEL, {
        messages,
        maxTokens: 50,
        temperature: 0.2,
        stop: ['a', 'b', 'c', 'd', 'e', 'f'],
        tools: [{ name: 'look', description: 'Look closer', parameters: { type: 'object' } }],
        toolChoice: { name: 'look' },
        responseFormat: { type: 'json-schema', schema: { type: 'object' } },
        onWarning: (warning) => warnings.push(warning),
      }),
    );
    expect(lastBody()).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'What is in this picture?' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        { role: 'model', parts: [{ functionCall: { id: 'call_1', name: 'look', args: { zoom: 2 } } }] },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'call_1', name: 'look', response: { seen: 'a cat' } } },
            { functionResponse: { id: 'call_1', name: 'look', response: { error: 'plain text' } } },
          ],
        },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      tools: [
        {
          functionDeclarations: [
            { name: 'look', description: 'Look closer', parametersJsonSchema: { type: 'object' } },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['look'] } },
      generationConfig: {
        maxOutputTokens: 50,
        temperature: 0.2,
        stopSequences: ['a', 'b', 'c', 'd', 'e'],
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
      },
    });
    expect(warnings).toEqual(['Gemini takes at most 5 stop sequences; the rest were dropped']);
  });

  it('turns the SDK retries off: a 503 is one request, classified overloaded', async () => {
    sim.setFaults({ script: ['overloaded', 'ok'] });
    const error = await failure(adapter().doGenerate(makeCall(MODEL)));
    expect(error).toMatchObject({ failure: 'overloaded', status: 503 });
    expect(sim.stats().requests).toBe(1);
  });

  it('reads a per-minute 429: rate_limit for RetryInfo.retryDelay, the quota value as the limit', async () => {
    await sim.close();
    sim = await startSimulatedProvider({ protocol: 'gemini', limits: { rpm: 2 } });
    const provider = adapter();
    await provider.doGenerate(makeCall(MODEL));
    await provider.doGenerate(makeCall(MODEL));
    const error = await failure(provider.doGenerate(makeCall(MODEL)));
    expect(error.failure).toBe('rate_limit');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(error.rateLimit?.requests).toMatchObject({ limit: 2, remaining: 0, windowMs: 60_000 });
  });

  it('reads a per-day 429 as quota until the next midnight Pacific', async () => {
    await sim.close();
    sim = await startSimulatedProvider({ protocol: 'gemini', limits: { rpd: 1 } });
    const now = Date.parse('2026-07-15T12:00:00Z'); // 05:00 PDT: 19 hours to midnight
    const provider = adapter({ now: () => now });
    await provider.doGenerate(makeCall(MODEL));
    const error = await failure(provider.doGenerate(makeCall(MODEL)));
    expect(error).toMatchObject({ failure: 'quota', status: 429, retryAfterMs: 19 * 3_600_000 });
    expect(error.retryAfterMs).toBe(msUntilPacificMidnight(now));
    // A stream is refused the same way before it opens.
    const streamError = await failure(provider.doStream(makeCall(MODEL)));
    expect(streamError.failure).toBe('quota');
  });

  it('an already aborted signal sends nothing and rejects with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('gave up before starting');
    controller.abort(reason);
    await expect(adapter().doStream(makeCall(MODEL, { signal: controller.signal }))).rejects.toBe(reason);
    await expect(adapter().doGenerate(makeCall(MODEL, { signal: controller.signal }))).rejects.toBe(reason);
    expect(sim.stats().requests).toBe(0);
  });

  it('streams with the response id as request id, and usage on the finish event', async () => {
    const stream = await adapter().doStream(makeCall(MODEL));
    const { events, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(stream.requestId).toMatch(/^sim-gemini-/);
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: expect.any(Number) },
    });
  });
});
