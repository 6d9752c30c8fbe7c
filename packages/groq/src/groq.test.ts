import { ProviderError } from '@spillway/core';
import { startSimulatedProvider } from '@spillway/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { groq } from './groq.js';

const call = () => ({
  model: 'openai/gpt-oss-120b',
  messages: [{ role: 'user' as const, content: 'hi' }],
  signal: new AbortController().signal,
});

afterEach(() => vi.unstubAllEnvs());

describe('groq()', () => {
  it('offers the Groq catalog models under the name groq', () => {
    const adapter = groq();
    expect(adapter).toMatchObject({ specificationVersion: 'v1', name: 'groq', kind: 'groq' });
    expect(adapter.models.map((model) => model.id)).toContain('openai/gpt-oss-120b');
  });

  it('fails the first call as auth naming GROQ_API_KEY when no key is configured', async () => {
    vi.stubEnv('GROQ_API_KEY', '');
    const error = await groq()
      .doGenerate(call())
      .catch((caught: unknown) => caught);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'auth', provider: 'groq' });
    expect((error as Error).message).toContain('GROQ_API_KEY');
  });

  it('drops images for its text-only models with a warning, and sends max_completion_tokens', async () => {
    const sim = await startSimulatedProvider({ protocol: 'groq' });
    try {
      const warnings: string[] = [];
      const adapter = groq({ apiKey: sim.apiKey, baseURL: sim.baseURL });
      await adapter.doGenerate({
        ...call(),
        maxTokens: 11,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image', url: 'https://x/a.png' },
            ],
          },
        ],
        onWarning: (message) => warnings.push(message),
      });
      const body = sim.stats().lastRequest?.body as Record<string, unknown>;
      expect(body.messages).toEqual([{ role: 'user', content: 'what is this?' }]);
      expect(body.max_completion_tokens).toBe(11);
      expect(body).not.toHaveProperty('stream_options');
      expect(warnings).toEqual([expect.stringContaining('groq: dropped 1 image part')]);
    } finally {
      await sim.close();
    }
  });

  it('learns the per-minute request limit, which no header states, from a 429 message', async () => {
    const sim = await startSimulatedProvider({ protocol: 'groq', limits: { rpm: 2 } });
    try {
      const adapter = groq({ apiKey: sim.apiKey, baseURL: sim.baseURL });
      const first = await adapter.doGenerate(call());
      // Headers count requests per day only.
      expect(first.rateLimit?.requests?.windowMs).toBe(86_400_000);
      await adapter.doGenerate(call());
      const error = await adapter.doGenerate(call()).catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        failure: 'rate_limit',
        status: 429,
        rateLimit: { requests: { limit: 2, remaining: 0, windowMs: 60_000 } },
      });
    } finally {
      await sim.close();
    }
  });
});
