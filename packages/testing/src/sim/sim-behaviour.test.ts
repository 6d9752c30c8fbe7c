import OpenAI from 'openai';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openaiWire } from './openai-wire.js';
import { startSimulatedProvider } from './start-simulated-provider.js';
import type { Wire } from './wire.js';

const request = { model: 'gpt-5.4-mini', messages: [{ role: 'user' as const, content: 'Pace yourself' }] };
const sim = await startSimulatedProvider({ protocol: 'openai' });
afterAll(() => sim.close());

describe('simulated provider behaviour', () => {
  it('counts SDK retries, and x-should-retry: false stops them', async () => {
    const retrying = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 1 });
    sim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 5 }, 'ok'] });
    await retrying.chat.completions.create(request);
    expect(sim.stats()).toMatchObject({ requests: 1 + 1, retries: 1 });
    sim.reset();
    sim.setFaults({ script: [{ outcome: 'serverError', shouldRetry: false }, 'ok'] });
    const error = await retrying.chat.completions.create(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(sim.stats()).toMatchObject({ requests: 1, retries: 0 });
  });

  it('latency.slow holds that share of calls (seeded) for its ms', async () => {
    const tail = await startSimulatedProvider({
      protocol: 'openai',
      latency: { slow: { share: 0.5, ms: 600_000 } },
    });
    try {
      const client = new OpenAI({ apiKey: tail.apiKey, baseURL: tail.baseURL, maxRetries: 0 });
      const controller = new AbortController();
      const calls = Array.from({ length: 8 }, () =>
        client.chat.completions.create(request, { signal: controller.signal }).then(
          () => 'answered',
          () => 'held',
        ),
      );
      // Answered calls settle at once; the held ones wait until the test lets go of them.
      await vi.waitFor(() => expect(tail.stats().requests).toBe(8));
      const answered = await Promise.race([
        Promise.all(calls),
        new Promise((r) => setTimeout(r, 0, 'pending')),
      ]);
      expect(answered).toBe('pending');
      controller.abort();
      const outcomes = await Promise.all(calls);
      const held = outcomes.filter((outcome) => outcome === 'held').length;
      expect(held).toBeGreaterThan(0);
      expect(held).toBeLessThan(8);
    } finally {
      await tail.close();
    }
  });

  it('paces a stream with latency and still sends the same text', async () => {
    const paced = await startSimulatedProvider({
      protocol: 'openai',
      latency: { ttftMs: 5, tokensPerSecond: 5000 },
    });
    try {
      const client = new OpenAI({ apiKey: paced.apiKey, baseURL: paced.baseURL, maxRetries: 0 });
      const whole = await client.chat.completions.create(request);
      let text = '';
      for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
        text += chunk.choices[0]?.delta.content ?? '';
      }
      expect(text).toBe(whole.choices[0]?.message.content);
    } finally {
      await paced.close();
    }
  });

  it('close() ends hanging requests and connections', async () => {
    const hanging = await startSimulatedProvider({ protocol: 'openai', faults: { script: ['timeout'] } });
    const client = new OpenAI({ apiKey: hanging.apiKey, baseURL: hanging.baseURL, maxRetries: 0 });
    const pending = client.chat.completions.create(request).catch((caught: unknown) => caught);
    await expect.poll(() => hanging.stats().inFlight).toBe(1);
    await hanging.close();
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(hanging.stats().openConnections).toBe(0);
  });

  it('speaks a protocol it does not ship when given its Wire', async () => {
    // A made-up provider: OpenAI's shape under another path, key and id prefix.
    const base = openaiWire('openai');
    const wire: Wire = {
      ...base,
      name: 'acme',
      defaultApiKey: 'acme-sim-key-0000',
      ids: { message: 'acme-', toolCall: 'acme_call_' },
      baseURL: (origin) => `${origin}/acme/v1`,
      route: (path) => base.route(path.replace(/^\/acme/, '')),
    };
    const acme = await startSimulatedProvider({ protocol: wire });
    try {
      const client = new OpenAI({ apiKey: acme.apiKey, baseURL: acme.baseURL, maxRetries: 0 });
      const answer = await client.chat.completions.create(request);
      expect(answer.id).toMatch(/^acme-/);
      expect(acme.protocol).toBe('acme');
      expect(acme.stats().requests).toBe(1);
    } finally {
      await acme.close();
    }
  });

  it('rejects unknown protocols and fault names', async () => {
    await expect(startSimulatedProvider({ protocol: 'cohere' as 'openai' })).rejects.toThrow(/protocol/);
    expect(() => sim.setFaults({ serverErorr: 0.5 } as never)).toThrow(/unknown fault 'serverErorr'/);
    expect(() => sim.setFaults({ serverError: 2 })).toThrow(/between 0 and 1/);
  });
});
