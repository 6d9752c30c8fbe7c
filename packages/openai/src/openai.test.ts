import { ConfigError, ProviderError } from '@spillway/core';
import { startSimulatedProvider } from '@spillway/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openai } from './openai.js';
import { openaiCompatible } from './openai-compatible.js';

const call = () => ({
  model: 'gpt-5.4-mini',
  messages: [{ role: 'user' as const, content: 'hi' }],
  signal: new AbortController().signal,
});

afterEach(() => vi.unstubAllEnvs());

describe('openai()', () => {
  it('offers the catalog models by default and exactly the given ones otherwise', () => {
    const adapter = openai({ apiKey: 'sk-unused-000000000000' });
    expect(adapter).toMatchObject({ specificationVersion: 'v1', name: 'openai', kind: 'openai' });
    expect(adapter.models.map((model) => model.id)).toContain('gpt-5.4-mini');
    const pinned = openai({
      models: [
        'gpt-5.4-nano',
        { id: 'my-ft', capability: 3, inputUsdPerMTok: 1, outputUsdPerMTok: 2, contextWindow: 8000 },
      ],
    });
    expect(pinned.models.map((model) => model.id)).toEqual(['gpt-5.4-nano', 'my-ft']);
  });

  it('reads no key until the first call, then fails as auth naming OPENAI_API_KEY', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    const adapter = openai();
    const error = await adapter.doGenerate(call()).catch((caught: unknown) => caught);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'auth', provider: 'openai', model: 'gpt-5.4-mini' });
    expect((error as Error).message).toContain('OPENAI_API_KEY');
  });

  it('sends max_completion_tokens, and drops temperature for gpt-5 models with a warning', async () => {
    const sim = await startSimulatedProvider({ protocol: 'openai' });
    try {
      const warnings: string[] = [];
      const adapter = openai({ apiKey: sim.apiKey, baseURL: sim.baseURL });
      const result = await adapter.doGenerate({
        ...call(),
        maxTokens: 9,
        temperature: 0.5,
        onWarning: (message) => warnings.push(message),
      });
      expect(result.requestId).toEqual(expect.any(String));
      const body = sim.stats().lastRequest?.body as Record<string, unknown>;
      expect(body.max_completion_tokens).toBe(9);
      expect(body).not.toHaveProperty('temperature');
      expect(warnings).toEqual(['openai: temperature was dropped: gpt-5.4-mini accepts only its default']);
    } finally {
      await sim.close();
    }
  });

  it('rejects with the signal reason when already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(openai({ apiKey: 'k' }).doGenerate({ ...call(), signal: controller.signal })).rejects.toBe(
      reason,
    );
  });
});

describe('openaiCompatible()', () => {
  it('requires name, baseURL and models, naming the field', () => {
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(ConfigError.isInstance(error)).toBe(true);
        return (error as ConfigError).field;
      }
      return undefined;
    };
    expect(field(() => openaiCompatible({ name: '', baseURL: 'http://x', models: [] }))).toBe('name');
    expect(field(() => openaiCompatible({ name: 'vllm', baseURL: '', models: [] }))).toBe('baseURL');
    expect(field(() => openaiCompatible({ name: 'vllm', baseURL: 'http://x', models: [] }))).toBe('models');
  });

  it('never sends OPENAI_API_KEY to another host', async () => {
    const sim = await startSimulatedProvider({ protocol: 'openai' });
    try {
      vi.stubEnv('OPENAI_API_KEY', sim.apiKey);
      const adapter = openaiCompatible({
        name: 'elsewhere',
        baseURL: sim.baseURL,
        models: [{ id: 'm', capability: 3, inputUsdPerMTok: 0, outputUsdPerMTok: 0, contextWindow: 8000 }],
      });
      // The simulator accepts only its key: a 401 proves the environment's key was not sent.
      const error = await adapter.doGenerate({ ...call(), model: 'm' }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ failure: 'auth', provider: 'elsewhere' });
      const withKey = openaiCompatible({
        name: 'elsewhere',
        baseURL: sim.baseURL,
        apiKey: sim.apiKey,
        models: [{ id: 'm', capability: 3, inputUsdPerMTok: 0, outputUsdPerMTok: 0, contextWindow: 8000 }],
      });
      expect((await withKey.doGenerate({ ...call(), model: 'm' })).text.length).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });

  it('sends max_tokens, which every compatible server reads', async () => {
    const sim = await startSimulatedProvider({ protocol: 'openai' });
    try {
      const adapter = openaiCompatible({
        name: 'vllm',
        baseURL: sim.baseURL,
        apiKey: sim.apiKey,
        models: [{ id: 'm', capability: 3, inputUsdPerMTok: 0, outputUsdPerMTok: 0, contextWindow: 8000 }],
      });
      await adapter.doGenerate({ ...call(), model: 'm', maxTokens: 7 });
      const body = sim.stats().lastRequest?.body as Record<string, unknown>;
      expect(body.max_tokens).toBe(7);
      expect(body).not.toHaveProperty('max_completion_tokens');
    } finally {
      await sim.close();
    }
  });

  it('has kind openai-compatible and the given models', () => {
    const adapter = openaiCompatible({
      name: 'ollama',
      baseURL: 'http://127.0.0.1:11434/v1',
      models: [{ id: 'llama3', capability: 3, inputUsdPerMTok: 0, outputUsdPerMTok: 0, contextWindow: 8192 }],
    });
    expect(adapter).toMatchObject({ name: 'ollama', kind: 'openai-compatible' });
    expect(adapter.models.map((model) => model.id)).toEqual(['llama3']);
  });
});
