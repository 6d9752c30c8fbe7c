import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedProvider } from './start-simulated-provider.js';

let now = 1_800_000_000_000;
const sim = await startSimulatedProvider({
  protocol: 'openai',
  limits: { rpm: 3, tpm: 1000 },
  now: () => now,
});
const client = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
const request = { model: 'gpt-5.4-mini', messages: [{ role: 'user' as const, content: 'Count down' }] };

afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function headersOf(body = request) {
  const { response, data } = await client.chat.completions.create(body).withResponse();
  return { headers: response.headers, usage: data.usage! };
}

describe('simulated OpenAI rate limits', () => {
  it('counts the headers down per request and settles tokens to the usage', async () => {
    const first = await headersOf();
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-reset-requests')).toBe('20s');
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1000 - first.usage.total_tokens));
    const second = await headersOf();
    expect(second.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(second.headers.get('x-ratelimit-reset-requests')).toBe('40s');
  });

  it('429s a burst past the RPM with the requests variant, then refills continuously', async () => {
    for (let index = 0; index < 3; index++) await headersOf();
    const error = await client.chat.completions.create(request).catch((caught: APIError) => caught);
    if (!(error instanceof OpenAI.RateLimitError)) throw new Error('expected a 429');
    expect(error.type).toBe('requests');
    expect(error.message).toContain('on requests per min (RPM): Limit 3, Used 3, Requested 1');
    expect(error.headers.get('retry-after')).toBe('20');
    expect(error.headers.get('retry-after-ms')).toBe('20000');
    expect(error.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.headers.get('x-ratelimit-reset-requests')).toBe('1m0s');
    now += 20_000;
    const { headers } = await headersOf();
    expect(headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(sim.stats()).toMatchObject({
      rateLimited: 1,
      models: { 'gpt-5.4-mini': { rateLimited: 1, requests: 5 } },
    });
  });

  it('charges max(max_tokens, prompt) and 429s on tokens, or "Request too large" past the bucket', async () => {
    await headersOf({ ...request, max_completion_tokens: 900 } as typeof request);
    const tokens = await client.chat.completions
      .create({ ...request, max_completion_tokens: 990 })
      .catch((caught: APIError) => caught);
    if (!(tokens instanceof OpenAI.RateLimitError)) throw new Error('expected a 429');
    expect(tokens.type).toBe('tokens');
    expect(tokens.message).toMatch(/tokens per min \(TPM\): Limit 1000, Used \d+, Requested 990/);
    expect(Number(tokens.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    const tooLarge = await client.chat.completions
      .create({ ...request, max_completion_tokens: 1500 })
      .catch((caught: APIError) => caught);
    if (!(tooLarge instanceof OpenAI.RateLimitError)) throw new Error('expected a 429');
    expect(tooLarge.message).toContain('Request too large for gpt-5.4-mini');
    expect(tooLarge.message).toContain('Limit 1000, Requested 1500');
    expect(tooLarge.headers.get('retry-after')).toBeNull();
  });

  it('can send limit 429s without headers, and keeps separate buckets per model', async () => {
    sim.setLimits({ rpm: 1, omitHeadersOn429: true });
    await headersOf();
    const error = await client.chat.completions.create(request).catch((caught: APIError) => caught);
    if (!(error instanceof OpenAI.RateLimitError)) throw new Error('expected a 429');
    expect(error.headers.get('x-ratelimit-limit-requests')).toBeNull();
    expect(error.headers.get('retry-after')).toBeNull();
    await expect(client.chat.completions.create({ ...request, model: 'gpt-5.4' })).resolves.toBeTruthy();
  });
});
