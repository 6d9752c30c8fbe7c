import OpenAI, { APIError } from 'openai';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedProvider } from './start-simulated-provider.js';

const sim = await startSimulatedProvider({
  protocol: 'openai',
  models: ['gpt-5.4-mini', { id: 'tiny', contextWindow: 5 }],
});
const client = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
const request = { model: 'gpt-5.4-mini', messages: [{ role: 'user' as const, content: 'Hello there' }] };

afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function failure(promise: Promise<unknown>): Promise<APIError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

async function readStream(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe('simulated OpenAI faults through the official SDK', () => {
  it('script: rateLimit with retryAfterMs gives a 429 RateLimitError with retry headers, then ok', async () => {
    sim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 1500 }, 'ok'] });
    const error = await failure(client.chat.completions.create(request));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.type).toBe('requests');
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.headers?.get('retry-after')).toBe('2');
    expect(error.headers?.get('retry-after-ms')).toBe('1500');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toMatch(/^\d+$/);
    await expect(client.chat.completions.create(request)).resolves.toBeTruthy();
    expect(sim.stats()).toMatchObject({ rateLimited: 1, outcomes: { rateLimit: 1, ok: 1 } });
  });

  it('script: a 429 can come without any headers', async () => {
    sim.setFaults({ script: [{ outcome: 'rateLimit', limitType: 'tokens', omitHeaders: true }] });
    const error = await failure(client.chat.completions.create(request));
    expect(error.type).toBe('tokens');
    expect(error.headers?.get('retry-after')).toBeNull();
    expect(error.headers?.get('x-ratelimit-remaining-tokens')).toBeNull();
  });

  it('quota: 429 insufficient_quota without retry-after', async () => {
    sim.setFaults({ script: ['quota'] });
    const error = await failure(client.chat.completions.create(request));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.type).toBe('insufficient_quota');
    expect(error.code).toBe('insufficient_quota');
    expect(error.headers?.get('retry-after')).toBeNull();
  });

  it('serverError 500 and 502 (HTML), overloaded 503: InternalServerError', async () => {
    sim.setFaults({ script: ['serverError', { outcome: 'serverError', status: 502 }, 'overloaded'] });
    const server = await failure(client.chat.completions.create(request));
    expect(server).toBeInstanceOf(OpenAI.InternalServerError);
    expect(server.status).toBe(500);
    expect(server.type).toBe('server_error');
    const gateway = await failure(client.chat.completions.create(request));
    expect(gateway.status).toBe(502);
    expect(gateway.message).toContain('Bad Gateway');
    const overloaded = await failure(client.chat.completions.create(request));
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
    expect(overloaded.status).toBe(503);
  });

  it('authError, modelNotFound and contextLength look like the real ones', async () => {
    sim.setFaults({ script: ['authError', 'modelNotFound', 'contextLength'] });
    expect(await failure(client.chat.completions.create(request))).toBeInstanceOf(OpenAI.AuthenticationError);
    const missing = await failure(client.chat.completions.create(request));
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing.code).toBe('model_not_found');
    const long = await failure(client.chat.completions.create(request));
    expect(long).toBeInstanceOf(OpenAI.BadRequestError);
    expect(long.code).toBe('context_length_exceeded');
    // Without faults: an unknown model is a 404, a prompt over the model's window a 400.
    const unknown = await failure(client.chat.completions.create({ ...request, model: 'gpt-nope' }));
    expect(unknown.status).toBe(404);
    const tooLong = await failure(client.chat.completions.create({ ...request, model: 'tiny' }));
    expect(tooLong.code).toBe('context_length_exceeded');
  });

  it('timeout: accepts and never answers, until the client gives up', async () => {
    sim.setFaults({ script: ['timeout'] });
    const error = await failure(client.chat.completions.create(request, { timeout: 100 }));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(sim.stats().outcomes).toEqual({ timeout: 1 });
  });

  it('connectionReset: the socket is destroyed', async () => {
    sim.setFaults({ script: ['connectionReset'] });
    const error = await failure(client.chat.completions.create(request));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('malformed: a 200 whose body is not JSON', async () => {
    sim.setFaults({ script: ['malformed'] });
    await expect(client.chat.completions.create(request)).rejects.toThrow(SyntaxError);
  });

  it('cutMidStream: chunks, then a clean end without finish or [DONE]', async () => {
    sim.setFaults({ script: [{ outcome: 'cutMidStream', afterChunks: 3 }] });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true }))
      chunks.push(chunk);
    expect(chunks).toHaveLength(4);
    expect(chunks.every((chunk) => chunk.choices[0]?.finish_reason === null)).toBe(true);
  });

  it('dropMidStream: chunks, then the socket is destroyed', async () => {
    sim.setFaults({ script: [{ outcome: 'dropMidStream', afterChunks: 2 }] });
    const stream = await client.chat.completions.create({ ...request, stream: true });
    await expect(readStream(stream)).rejects.toThrow();
  });

  it('inbandError: an error chunk after content, an APIError with no status', async () => {
    sim.setFaults({ script: ['inbandError'] });
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const error = await failure(readStream(stream));
    expect(error.status).toBeUndefined();
    expect(error.type).toBe('server_error');
  });

  it('stallMidStream: chunks, then silence; aborting closes the connection', async () => {
    sim.setFaults({ script: [{ outcome: 'stallMidStream', afterChunks: 1 }] });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { ...request, stream: true },
      { signal: controller.signal },
    );
    const seen: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) {
        seen.push(chunk.choices[0]?.delta.content ?? '');
        if (seen.length === 2) controller.abort();
      }
    })();
    // The SDK ends the iteration quietly on its own abort.
    await reading.catch(() => undefined);
    expect(seen).toHaveLength(2);
    await expect.poll(() => sim.stats().inFlight).toBe(0);
  });

  it('probabilities draw reproducibly from the seed', async () => {
    const outcomes = async () => {
      sim.reset();
      sim.setFaults({ serverError: 0.5 });
      const results: string[] = [];
      for (let index = 0; index < 12; index++) {
        results.push(
          await client.chat.completions.create(request).then(
            () => 'ok',
            (error: APIError) => String(error.status),
          ),
        );
      }
      return results;
    };
    const first = await outcomes();
    expect(first).toContain('ok');
    expect(first).toContain('500');
    expect(await outcomes()).toEqual(first);
  });
});
