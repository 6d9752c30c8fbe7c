import type { FailureClass } from '@spillway/core';
import { describe, expect, vi } from 'vitest';
import type { SimScriptStep } from '../sim/types.js';
import { asProviderError, caseTest, drain, exposedText, failureOf, makeCall } from './conformance-helpers.js';
import { CONFORMANCE_LIMITS, type ConformanceContext } from './run-adapter-conformance.js';

type FaultCase = { title: string; step: SimScriptStep; failure: FailureClass; status?: number };

const GENERATE_FAULTS: FaultCase[] = [
  {
    title: '429 with Retry-After',
    step: { outcome: 'rateLimit', retryAfterMs: 3000 },
    failure: 'rate_limit',
    status: 429,
  },
  {
    title: '429 on tokens',
    step: { outcome: 'rateLimit', limitType: 'tokens' },
    failure: 'rate_limit',
    status: 429,
  },
  {
    title: '429 without any header',
    step: { outcome: 'rateLimit', omitHeaders: true },
    failure: 'rate_limit',
    status: 429,
  },
  { title: 'quota exhausted', step: { outcome: 'quota' }, failure: 'quota' },
  { title: '500', step: { outcome: 'serverError' }, failure: 'server', status: 500 },
  {
    title: '502 with an HTML body',
    step: { outcome: 'serverError', status: 502 },
    failure: 'server',
    status: 502,
  },
  { title: 'overloaded', step: { outcome: 'overloaded' }, failure: 'overloaded' },
  { title: 'connection reset', step: { outcome: 'connectionReset' }, failure: 'connection' },
  { title: 'malformed body', step: { outcome: 'malformed' }, failure: 'server' },
  { title: 'auth error', step: { outcome: 'authError' }, failure: 'auth' },
  { title: 'model not found', step: { outcome: 'modelNotFound' }, failure: 'not_found', status: 404 },
  { title: 'context length exceeded', step: { outcome: 'contextLength' }, failure: 'context_length' },
];

const STREAM_FAULTS: FaultCase[] = [
  {
    title: 'clean end without the terminal event',
    step: { outcome: 'cutMidStream', afterChunks: 2 },
    failure: 'stream_cut',
  },
  {
    title: 'socket destroyed mid-stream',
    step: { outcome: 'dropMidStream', afterChunks: 2 },
    failure: 'stream_cut',
  },
];

/** A stream that fails when it opens or while it is read: what it yielded and the error. */
async function failedStream(context: ConformanceContext, call: ReturnType<typeof makeCall>) {
  try {
    return await drain(await context.adapter().doStream(call));
  } catch (error) {
    return { events: [], text: '', error };
  }
}

export function registerFaultCases(context: ConformanceContext): void {
  const { options } = context;
  const conformanceCase = (name: string, title: string, body: () => Promise<void>) =>
    caseTest(options.skip, name, title, body);
  const script = (...steps: SimScriptStep[]) => context.sim().setFaults({ script: steps });
  const call = (overrides: Parameters<typeof makeCall>[1] = {}) => makeCall(options.model, overrides);

  describe('faults', () => {
    for (const fault of GENERATE_FAULTS) {
      conformanceCase('faults', `${fault.title} → ${fault.failure}`, async () => {
        script(fault.step);
        const error = asProviderError(await failureOf(context.adapter(), call(), 'generate'));
        context.errors.push(error);
        expect(error.failure).toBe(fault.failure);
        expect(error.provider).toBe(context.adapter().name);
        expect(error.model).toBe(options.model);
        if (fault.status !== undefined) expect(error.status).toBe(fault.status);
        if (fault.step.outcome === 'rateLimit' && fault.step.retryAfterMs) {
          expect(error.retryAfterMs).toBe(fault.step.retryAfterMs);
        }
        if (fault.step.omitHeaders) expect(error.retryAfterMs).toBeUndefined();
      });
    }

    conformanceCase('faults', '429 before a stream opens → rate_limit from doStream', async () => {
      script({ outcome: 'rateLimit', retryAfterMs: 1000 });
      const error = asProviderError(await failureOf(context.adapter(), call(), 'stream'));
      context.errors.push(error);
      expect(error.failure).toBe('rate_limit');
      expect(error.retryAfterMs).toBe(1000);
    });
  });

  describe('stream faults', () => {
    for (const fault of STREAM_FAULTS) {
      conformanceCase(
        'stream-faults',
        `${fault.title} → ${fault.failure}, after the text already sent`,
        async () => {
          script(fault.step);
          const { text, events, error } = await drain(await context.adapter().doStream(call()));
          context.errors.push(error);
          expect(asProviderError(error).failure).toBe(fault.failure);
          expect(text.length).toBeGreaterThan(0);
          expect(events.some((event) => event.type === 'finish')).toBe(false);
        },
      );
    }

    conformanceCase(
      'stream-faults',
      'an in-band error mid-stream → a classified ProviderError, never a silent end',
      async () => {
        script({ outcome: 'inbandError', afterChunks: 2 });
        const { events, error } = await drain(await context.adapter().doStream(call()));
        context.errors.push(error);
        expect(asProviderError(error).failure).not.toBe('stream_cut');
        expect(events.some((event) => event.type === 'finish')).toBe(false);
      },
    );

    // Anthropic's SDK skips an event without a name (the simulator sends none), so there the stream
    // ends without its last event.
    const malformed = context.wire.name === 'anthropic' ? 'stream_cut' : 'server';
    conformanceCase('stream-faults', `a 200 stream whose event is not JSON → ${malformed}`, async () => {
      script({ outcome: 'malformed' });
      const { events, error } = await failedStream(context, call());
      context.errors.push(error);
      expect(asProviderError(error).failure).toBe(malformed);
      expect(events.some((event) => event.type === 'finish')).toBe(false);
    });
  });

  describe('rate-limit headers', () => {
    const window = context.wire.requestsHeaderWindow;
    // A protocol without limit headers (Gemini) must not invent a snapshot; its limits come from config.
    const headerCase = (title: string, body: () => Promise<void>) =>
      window
        ? conformanceCase('headers', title, body)
        : caseTest({ headers: `${context.wire.name} sends no rate-limit headers` }, 'headers', title, body);

    conformanceCase('headers', 'a success carries no invented limits when no header was sent', async () => {
      const result = await context.adapter().doGenerate(call());
      if (!window) expect(result.rateLimit?.requests).toBeUndefined();
      else expect(result.rateLimit?.requests).toBeDefined();
    });

    headerCase('reads the limit headers of a success into a snapshot', async () => {
      const result = await context.adapter().doGenerate(call());
      const requests = result.rateLimit?.requests;
      const expected = window === 'day' ? CONFORMANCE_LIMITS.rpd : CONFORMANCE_LIMITS.rpm;
      expect(requests?.limit).toBe(expected);
      expect(requests?.remaining).toBeLessThan(expected);
      expect(requests?.windowMs).toBe(window === 'day' ? 86_400_000 : 60_000);
      const tokens = result.rateLimit?.tokens ?? result.rateLimit?.inputTokens;
      expect(tokens?.limit).toEqual(expect.any(Number));
    });

    conformanceCase('headers', 'reads them from a 429 too', async () => {
      script({ outcome: 'rateLimit', retryAfterMs: 2000 });
      const error = asProviderError(await failureOf(context.adapter(), call(), 'generate'));
      expect(error.rateLimit?.retryAfterMs).toBe(2000);
      expect(error.rateLimit?.requests ?? error.rateLimit?.tokens).toBeDefined();
    });

    headerCase('reads them when a stream opens', async () => {
      const stream = await context.adapter().doStream(call());
      await drain(stream);
      expect(stream.rateLimit?.requests?.limit).toEqual(expect.any(Number));
    });
  });

  describe('abort and timeout', () => {
    conformanceCase('abort', 'an abort before the answer rejects with the signal reason', async () => {
      script({ outcome: 'timeout' });
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      const pending = context.adapter().doGenerate(call({ signal: controller.signal }));
      setTimeout(() => controller.abort(reason), 20);
      await expect(pending).rejects.toBe(reason);
    });

    conformanceCase('abort', 'an abort mid-stream rejects the iteration with the signal reason', async () => {
      script({ outcome: 'stallMidStream', afterChunks: 1 });
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      const stream = await context.adapter().doStream(call({ signal: controller.signal }));
      const iterator = stream.events[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.done).toBe(false);
      controller.abort(reason);
      await expect(drainIterator(iterator)).rejects.toBe(reason);
    });

    conformanceCase('abort', 'stopping a stream early closes its connection', async () => {
      // A stalled stream stays open on the server until the client hangs up.
      script({ outcome: 'stallMidStream', afterChunks: 1 });
      const stream = await context.adapter().doStream(call());
      for await (const _event of stream.events) break;
      await vi.waitFor(() => expect(context.sim().stats().inFlight).toBe(0));
    });

    conformanceCase('timeout', 'a request the server never answers → timeout', async () => {
      script({ outcome: 'timeout' });
      const error = asProviderError(await failureOf(context.adapter({ timeoutMs: 150 }), call(), 'generate'));
      context.errors.push(error);
      expect(error.failure).toBe('timeout');
    });
  });

  describe('secrets', () => {
    conformanceCase('secrets', 'a rejected key is named in no error', async () => {
      const wrongKey = 'sk-conformance-wrong-key-0123456789';
      const error = asProviderError(
        await failureOf(context.adapter({ apiKey: wrongKey }), call(), 'generate'),
      );
      expect(error.failure).toBe('auth');
      expect(exposedText(error)).not.toContain(wrongKey);
    });

    conformanceCase('secrets', 'the API key appears in no error seen by this suite', async () => {
      expect(context.errors.length).toBeGreaterThan(0);
      const key = context.sim().apiKey;
      for (const error of context.errors) expect(exposedText(error)).not.toContain(key);
    });
  });
}

async function drainIterator(iterator: AsyncIterator<unknown>): Promise<void> {
  while (!(await iterator.next()).done) {
    // keep reading until the stream ends or throws
  }
}
