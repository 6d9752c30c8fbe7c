import Groq from 'groq-sdk';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedProvider } from './start-simulated-provider.js';

let now = 1_800_000_000_000;
const sim = await startSimulatedProvider({
  protocol: 'groq',
  limits: { rpm: 1000, rpd: 5, tpm: 2000 },
  now: () => now,
});
const client = new Groq({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
const model = 'llama-3.3-70b-versatile';
const request = { model, messages: [{ role: 'user' as const, content: 'Hello Groq' }] };

afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof Groq.APIError>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Groq.APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

describe('simulated Groq through the official SDK', () => {
  it('serves /openai/v1/chat/completions with x_groq, daily request headers and minute token headers', async () => {
    expect(sim.baseURL).toBe(sim.url);
    const { data, response } = await client.chat.completions
      .create({ ...request, messages: [{ role: 'system', content: 'Be brief.' }, ...request.messages] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(data.x_groq?.id).toMatch(/^req_/);
    expect(response.headers.get('x-request-id')).toBe(data.x_groq?.id);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('5');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('4');
    // One request of a day's five is back after a fifth of a day: 4h48m0s.
    expect(response.headers.get('x-ratelimit-reset-requests')).toBe('4h48m0s');
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('2000');
    const used = data.usage!.total_tokens;
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe(String(2000 - used));
    expect(response.headers.get('x-ratelimit-reset-tokens')).toBe(`${(used * 60) / 2000}s`);
  });

  it('streams with usage in x_groq.usage on the last chunk', async () => {
    const whole = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.x_groq?.usage) usage = chunk.x_groq.usage;
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(usage).toMatchObject(whole.usage!);
  });

  it('round-trips a tool call and returns JSON for json_object', async () => {
    const tool = {
      type: 'function' as const,
      function: { name: 'lookup', parameters: { type: 'object', properties: { id: { type: 'integer' } } } },
    };
    const ask = { role: 'user' as const, content: 'Please call lookup for me' };
    const called = await client.chat.completions.create({ model, messages: [ask], tools: [tool] });
    const call = called.choices[0]!.message.tool_calls![0]!;
    expect(called.choices[0]?.finish_reason).toBe('tool_calls');
    expect(Number.isInteger(JSON.parse(call.function.arguments).id)).toBe(true);
    const answered = await client.chat.completions.create({
      model,
      tools: [tool],
      messages: [ask, called.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '42' }],
    });
    expect(answered.choices[0]?.finish_reason).toBe('stop');
    const json = await client.chat.completions.create({
      ...request,
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(json.choices[0]!.message.content!)).toBe('object');
  });

  it('answers 413 with x-should-retry: false when prompt + max_completion_tokens exceed the TPM', async () => {
    const error = await failure(client.chat.completions.create({ ...request, max_completion_tokens: 5000 }));
    expect(error.status).toBe(413);
    expect(error.headers?.get('x-should-retry')).toBe('false');
    expect(error.headers?.get('retry-after')).toBeNull();
    expect(JSON.stringify(error.error)).toContain('Request too large');
  });

  it('charges prompt + max_completion_tokens, settles to usage, and 429s on tokens per minute', async () => {
    const { response } = await client.chat.completions
      .create({ ...request, max_completion_tokens: 1500 })
      .withResponse();
    // Settled to the actual usage, not the 1500 reserved.
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThan(1900);
    const error = await failure(client.chat.completions.create({ ...request, max_completion_tokens: 1985 }));
    expect(error).toBeInstanceOf(Groq.RateLimitError);
    expect((error.error as { error: { type: string } }).error.type).toBe('tokens');
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(error.headers?.get('retry-after-ms')).toBeNull();
  });

  it('429s past the requests-per-day limit, naming RPD', async () => {
    for (let index = 0; index < 5; index++) await client.chat.completions.create(request);
    const error = await failure(client.chat.completions.create(request));
    expect(error.status).toBe(429);
    expect(JSON.stringify(error.error)).toContain('requests per day (RPD)');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    now += 86_400_000 / 5;
    await expect(client.chat.completions.create(request)).resolves.toBeTruthy();
  });

  it('overloaded is 498, quota and auth as Groq sends them', async () => {
    sim.setFaults({ script: ['overloaded', 'authError', 'serverError'] });
    expect((await failure(client.chat.completions.create(request))).status).toBe(498);
    expect(await failure(client.chat.completions.create(request))).toBeInstanceOf(Groq.AuthenticationError);
    expect(await failure(client.chat.completions.create(request))).toBeInstanceOf(Groq.InternalServerError);
  });

  it('inbandError mid-stream surfaces as an APIError without status', async () => {
    sim.setFaults({ script: ['inbandError'] });
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const error = await failure(
      (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })(),
    );
    expect(error.status).toBeUndefined();
  });
});
