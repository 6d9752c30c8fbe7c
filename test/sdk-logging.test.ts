// The SDKs log a stream chunk they cannot parse, raw chunk (model output) included, to the console by
// default (issue 14, defect 10). The Chat Completions adapters now read streams themselves (decision
// 2250), so the SDK never sees the chunk; what is checked is the outcome: nothing on stderr, the chunk
// (model output) never above debug, the attempt booked as a malformed answer. The SDK's own lines go
// to the router's logger (sdk-logger.test.ts); the Anthropic adapter wires its SDK the same way.
import { createRouter, type Logger, type ProviderAdapter } from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import { FakeClock, type SimProtocol, startSimulatedProvider } from '@spillway/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

const cases: Array<[SimProtocol, (sim: { apiKey: string; baseURL: string }) => ProviderAdapter]> = [
  ['openai', (sim) => openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: ['gpt-5.4-mini'] })],
  ['groq', (sim) => groq({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: ['openai/gpt-oss-20b'] })],
];

afterEach(() => vi.restoreAllMocks());

describe.each(cases)('%s SDK logging goes through the router logger', (protocol, build) => {
  it('a malformed stream chunk prints nothing to stderr', async () => {
    const sim = await startSimulatedProvider({ protocol, faults: { script: ['malformed'] } });
    const lines: Array<{ level: string; message: string; details?: unknown }> = [];
    const record = (level: string) => (message: string, details?: Record<string, unknown>) =>
      lines.push({ level, message, details });
    const logger: Logger = { warn: record('warn'), error: record('error'), debug: record('debug') };
    const stderr = vi.spyOn(process.stderr, 'write');
    const consoleError = vi.spyOn(console, 'error');
    const consoleWarn = vi.spyOn(console, 'warn');
    const router = createRouter({ providers: [build(sim)], clock: new FakeClock(), logger, maxAttempts: 1 });
    try {
      const stream = router.stream({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 16 });
      const error = await stream.result.catch((caught: unknown) => caught);
      expect(error).toMatchObject({ attempts: [{ outcome: 'server' }] });
      expect((error as { attempts: Array<{ message: string }> }).attempts[0]?.message).toContain(
        'malformed response',
      );
      expect(sim.stats().requests).toBe(1);
      const printed = [...stderr.mock.calls, ...consoleError.mock.calls, ...consoleWarn.mock.calls].map(
        (call) => String(call[0]),
      );
      expect(printed.filter((text) => /parse|chunk|broken/i.test(text))).toEqual([]);
      // The chunk (model output) only at debug, if anywhere.
      for (const line of lines.filter((item) => JSON.stringify(item).includes('broken')))
        expect(line.level).toBe('debug');
      expect(JSON.stringify(lines)).not.toContain(sim.apiKey);
    } finally {
      await router.close();
      await sim.close();
    }
  });
});
