import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedProvider } from './start-simulated-provider.js';

const sim = await startSimulatedProvider({ protocol: 'openai', seed: 7 });
const client = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
const model = 'gpt-5.4-mini';
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { enum: ['c', 'f'] } },
      required: ['city'],
    },
  },
};

afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('simulated OpenAI through the official SDK', () => {
  it('answers a plain request with text, usage, request id and rate-limit headers', async () => {
    const { data, response, request_id } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'Hello there' }] })
      .withResponse();
    expect(sim.baseURL).toBe(`${sim.url}/v1`);
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe(model);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(20);
    expect(data.usage?.prompt_tokens).toBeGreaterThan(3);
    expect(data.usage?.completion_tokens).toBeGreaterThanOrEqual(20);
    expect(data.usage?.completion_tokens).toBeLessThanOrEqual(60);
    expect(request_id).toMatch(/^req_/);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-ratelimit-limit-requests')).toMatch(/^\d+$/);
    expect(response.headers.get('x-ratelimit-reset-tokens')).toMatch(/^[\d.hms]+$/);
    expect(sim.stats()).toMatchObject({ requests: 1, outcomes: { ok: 1 }, rateLimited: 0 });
  });

  it('is deterministic for a seed and request, and varies with the conversation', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Name a river.' },
      { role: 'assistant' as const, content: 'The Nile.' },
      { role: 'user' as const, content: 'Another one?' },
    ];
    const first = await client.chat.completions.create({ model, messages });
    const second = await client.chat.completions.create({ model, messages });
    const other = await client.chat.completions.create({ model, messages: messages.slice(0, 2) });
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(other.choices[0]?.message.content).not.toBe(first.choices[0]?.message.content);
    expect(first.usage?.prompt_tokens).toBeGreaterThan(other.usage?.prompt_tokens ?? 0);
    expect(sim.stats().lastRequest?.body).toMatchObject({ model, messages: messages.slice(0, 2) });
  });

  it('calls a tool when asked, with arguments of the schema, and answers the tool result with text', async () => {
    const ask = { role: 'user' as const, content: 'Use the tool to get the weather in Paris' };
    const called = await client.chat.completions.create({ model, messages: [ask], tools: [weatherTool] });
    const choice = called.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments);
    expect(typeof args.city).toBe('string');
    expect(Number.isInteger(args.days)).toBe(true);
    expect(['c', 'f']).toContain(args.unit);

    const answered = await client.chat.completions.create({
      model,
      tools: [weatherTool],
      messages: [
        ask,
        choice.message,
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' },
      ],
    });
    expect(answered.choices[0]?.finish_reason).toBe('stop');
    expect(answered.choices[0]?.message.content).toBeTruthy();
  });

  it('forces a named tool with tool_choice, and does not call one unprompted', async () => {
    const messages = [{ role: 'user' as const, content: 'Hello' }];
    const plain = await client.chat.completions.create({ model, messages, tools: [weatherTool] });
    expect(plain.choices[0]?.finish_reason).toBe('stop');
    const forced = await client.chat.completions.create({
      model,
      messages,
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(forced.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('returns JSON matching a json_schema, and any JSON object in json_object mode', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        ok: { type: 'boolean' },
      },
    };
    const structured = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Describe a cat' }],
      response_format: { type: 'json_schema', json_schema: { name: 'cat', schema } },
    });
    const value = JSON.parse(structured.choices[0]!.message.content!);
    expect(typeof value.name).toBe('string');
    expect(Array.isArray(value.tags)).toBe(true);
    expect(typeof value.ok).toBe('boolean');
    const loose = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Describe a dog as JSON' }],
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(loose.choices[0]!.message.content!)).toBe('object');
  });

  it('honours max_completion_tokens (finish length) and stop sequences (finish stop)', async () => {
    const messages = [{ role: 'user' as const, content: 'Tell me a long story' }];
    const short = await client.chat.completions.create({ model, messages, max_completion_tokens: 5 });
    expect(short.choices[0]?.finish_reason).toBe('length');
    expect(short.usage?.completion_tokens).toBe(5);
    const full = await client.chat.completions.create({ model, messages });
    const text = full.choices[0]!.message.content!;
    const stop = text.split(' ')[3]!;
    const stopped = await client.chat.completions.create({ model, messages, stop: [stop] });
    expect(stopped.choices[0]?.finish_reason).toBe('stop');
    expect(stopped.choices[0]?.message.content).toBe(text.slice(0, text.indexOf(stop)));
  });

  it('streams chunks, a final usage chunk and [DONE], matching the non-streamed answer', async () => {
    const request = { model, messages: [{ role: 'user' as const, content: 'Stream please' }] };
    const whole = await client.chat.completions.create(request);
    const { data: stream, response } = await client.chat.completions
      .create({ ...request, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finish).toBe('stop');
    expect(usage).toEqual(whole.usage);
  });

  it('streams tool call arguments in several fragments, as OpenAI does', async () => {
    const stream = await client.chat.completions.create({
      model,
      stream: true,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'call get_weather for Rome' }],
    });
    const fragments: string[] = [];
    let name: string | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      name ??= call?.function?.name;
      if (call?.function?.arguments) fragments.push(call.function.arguments);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    const args = fragments.join('');
    expect(fragments.length).toBeGreaterThan(1);
    expect(name).toBe('get_weather');
    expect(typeof JSON.parse(args).city).toBe('string');
    expect(finish).toBe('tool_calls');
  });

  it('rejects a wrong key with 401 AuthenticationError and never echoes the key', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key-123', baseURL: sim.baseURL, maxRetries: 0 });
    const error = await wrong.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).code).toBe('invalid_api_key');
    expect(String((error as Error).message)).not.toContain('sk-wrong-key-123');
  });

  it('answers 400 for a request without messages', async () => {
    const error = await client.chat.completions
      .create({ model, messages: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).param).toBe('messages');
  });
});
