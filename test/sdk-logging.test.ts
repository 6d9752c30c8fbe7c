// The SDKs log a stream chunk they cannot parse, raw chunk (model output) included, to the console by
// default. Through the router those lines go to the router's logger instead: the SDK's message at
// warn, what it quoted at debug, and nothing on stderr (issue 14, defect 10). The Anthropic adapter
// wires its SDK the same way (the simulator's malformed frame has no event name, which that SDK skips).
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
      await expect(stream.result).rejects.toBeInstanceOf(Error);
      expect(sim.stats().requests).toBe(1);
      const printed = [...stderr.mock.calls, ...consoleError.mock.calls, ...consoleWarn.mock.calls].map(
        (call) => String(call[0]),
      );
      expect(printed.filter((text) => /parse|chunk|broken/i.test(text))).toEqual([]);
      const sdkLines = lines.filter((line) => line.message.includes('SDK:'));
      expect(sdkLines.some((line) => line.level === 'warn' && /Could not parse/.test(line.message))).toBe(
        true,
      );
      expect(sdkLines.every((line) => line.level === 'warn' || line.level === 'debug')).toBe(true);
      // The chunk (model output) only at debug: openai 6 quotes it there; openai 7 no longer quotes it.
      for (const line of lines.filter((item) => JSON.stringify(item).includes('broken')))
        expect(line.level).toBe('debug');
      expect(JSON.stringify(lines)).not.toContain(sim.apiKey);
    } finally {
      await router.close();
      await sim.close();
    }
  });
});
