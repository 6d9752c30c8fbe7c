import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedProvider } from './start-simulated-provider.js';

let now = Date.parse('2026-11-23T12:00:00Z');
const sim = await startSimulatedProvider({
  protocol: 'anthropic',
  limits: { rpm: 50, inputTpm: 30_000, outputTpm: 8_000 },
  now: () => now,
});
const client = new Anthropic({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
const model = 'claude-sonnet-5';
const request = { model, max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Hello Claude' }] };
const tool = {
  name: 'get_weather',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Anthropic.APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

describe('simulated Anthropic through the official SDK', () => {
  it('answers a message with text, usage, request-id and RFC 3339 rate-limit headers', async () => {
    const { data, response } = await client.messages
      .create({ ...request, system: 'You are brief.' })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.stop_reason).toBe('end_turn');
    expect(data.content[0]?.type).toBe('text');
    expect(data.usage.input_tokens).toBeGreaterThan(3);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const headers = response.headers;
    expect(headers.get('anthropic-ratelimit-requests-limit')).toBe('50');
    expect(headers.get('anthropic-ratelimit-requests-remaining')).toBe('49');
    expect(headers.get('anthropic-ratelimit-requests-reset')).toBe('2026-11-23T12:00:02Z');
    expect(headers.get('anthropic-ratelimit-input-tokens-limit')).toBe('30000');
    // Token remainders are rounded to the nearest thousand.
    expect(headers.get('anthropic-ratelimit-input-tokens-remaining')).toBe('30000');
    expect(headers.get('anthropic-ratelimit-output-tokens-limit')).toBe('8000');
    expect(headers.get('anthropic-ratelimit-tokens-limit')).toBe('38000');
  });

  it('accepts the key as x-api-key (0.x SDKs) as well as a bearer token', async () => {
    const response = await fetch(`${sim.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': sim.apiKey,
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify(request),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });

  it('requires max_tokens (400 invalid_request_error)', async () => {
    const { max_tokens: _omitted, ...withoutMax } = request;
    const error = await failure(client.messages.create(withoutMax as typeof request));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.type).toBe('invalid_request_error');
  });

  it('counts tokens', async () => {
    const counted = await client.messages.countTokens({ model, messages: request.messages });
    const answered = await client.messages.create(request);
    expect(counted.input_tokens).toBe(answered.usage.input_tokens);
  });

  it('round-trips a tool use and answers the tool result with text', async () => {
    const ask = { role: 'user' as const, content: 'Use the tool for Oslo' };
    const called = await client.messages.create({ ...request, messages: [ask], tools: [tool] });
    expect(called.stop_reason).toBe('tool_use');
    const use = called.content[0];
    if (use?.type !== 'tool_use') throw new Error('expected tool_use');
    expect(typeof (use.input as { city: unknown }).city).toBe('string');
    const answered = await client.messages.create({
      ...request,
      tools: [tool],
      messages: [
        ask,
        { role: 'assistant', content: called.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny' }] },
      ],
    });
    expect(answered.stop_reason).toBe('end_turn');
    expect(answered.content[0]?.type).toBe('text');
  });

  it('honours max_tokens, stop_sequences and a JSON schema', async () => {
    const short = await client.messages.create({ ...request, max_tokens: 4 });
    expect(short.stop_reason).toBe('max_tokens');
    expect(short.usage.output_tokens).toBe(4);
    const full = await client.messages.create(request);
    const text = full.content[0]?.type === 'text' ? full.content[0].text : '';
    const stop = text.split(' ')[2]!;
    const stopped = await client.messages.create({ ...request, stop_sequences: [stop] });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe(stop);
    const raw = await fetch(`${sim.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': sim.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...request,
        output_config: {
          format: { type: 'json_schema', schema: { type: 'object', properties: { n: { type: 'number' } } } },
        },
      }),
    });
    const body = (await raw.json()) as { content: Array<{ text: string }> };
    expect(typeof JSON.parse(body.content[0]!.text).n).toBe('number');
  });

  it('streams named events that the SDK rebuilds into the same message', async () => {
    const whole = await client.messages.create(request);
    const events: string[] = [];
    const stream = client.messages.stream(request);
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual(whole.content);
    expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
    expect(events[0]).toBe('message_start');
    expect(events.at(-2)).toBe('message_delta');
    expect(events.at(-1)).toBe('message_stop');
  });

  it('streams tool input as input_json_delta', async () => {
    const stream = client.messages.stream({ ...request, tools: [tool], tool_choice: { type: 'any' } });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content[0]?.type).toBe('tool_use');
  });

  it('overloaded is 529 OverloadedError; quota names enforced_spend_limit_reached; auth is 401', async () => {
    sim.setFaults({ script: ['overloaded', 'quota', 'authError', 'contextLength'] });
    const overloaded = await failure(client.messages.create(request));
    expect(overloaded.status).toBe(529);
    expect(overloaded.type).toBe('overloaded_error');
    const quota = await failure(client.messages.create(request));
    expect(quota).toBeInstanceOf(Anthropic.RateLimitError);
    expect((quota as unknown as { errorCode: string }).errorCode).toBe('enforced_spend_limit_reached');
    expect(quota.headers?.get('retry-after')).toBeNull();
    expect(await failure(client.messages.create(request))).toBeInstanceOf(Anthropic.AuthenticationError);
    const long = await failure(client.messages.create(request));
    expect(long).toBeInstanceOf(Anthropic.BadRequestError);
    expect(long.message).toContain('prompt is too long');
  });

  it('an in-band error event mid-stream is an APIError of type overloaded_error with no status', async () => {
    sim.setFaults({ script: [{ outcome: 'inbandError', afterChunks: 2 }] });
    const error = await failure(client.messages.stream(request).finalMessage());
    expect(error.status).toBeUndefined();
    expect(error.type).toBe('overloaded_error');
  });

  it('a cut stream ends without message_stop', async () => {
    sim.setFaults({ script: [{ outcome: 'cutMidStream', afterChunks: 2 }] });
    const events: string[] = [];
    const stream = await client.messages.create({ ...request, stream: true });
    for await (const event of stream) events.push(event.type);
    expect(events).not.toContain('message_stop');
    expect(events.filter((type) => type === 'content_block_delta')).toHaveLength(2);
  });

  it('429s past the RPM with rate_limit_error and retry-after; refills continuously', async () => {
    sim.setLimits({ rpm: 2 });
    await client.messages.create(request);
    await client.messages.create(request);
    const error = await failure(client.messages.create(request));
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.type).toBe('rate_limit_error');
    expect(error.headers?.get('retry-after')).toBe('30');
    expect(error.headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    now += 30_000;
    await expect(client.messages.create(request)).resolves.toBeTruthy();
    expect(sim.stats()).toMatchObject({ rateLimited: 1, outcomes: { ok: 3, rateLimit: 1 } });
  });

  it('charges output tokens as generated and 429s when the output bucket is empty', async () => {
    sim.setLimits({ outputTpm: 60 });
    const first = await client.messages.create(request);
    const second = await client.messages.create(request);
    expect(first.usage.output_tokens + second.usage.output_tokens).toBeGreaterThan(60);
    const error = await failure(client.messages.create(request));
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.message).toContain('60 output tokens per minute');
    expect(error.headers?.get('anthropic-ratelimit-output-tokens-remaining')).toBe('0');
  });
});
