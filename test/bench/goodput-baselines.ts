import { type AdapterResult, type Clock, ProviderError } from '@spillway/core';
import Groq from 'groq-sdk';
import { type Fleet, MAX_TOKENS, requestMessages, TIME_SCALE } from './goodput-setup.js';

export type Outcome = { ok: true; result: AdapterResult; lane: number } | { ok: false; error: string };

/**
 * The official SDK alone, on the cheapest provider, with its own retries (2, honouring
 * Retry-After). The fetch wrapper divides the wait a 429 asks for by the time scale, so the SDK
 * waits the same simulated time a real one would.
 */
export function sdkWithRetries(fleet: Fleet) {
  const sim = fleet.sims[0];
  if (!sim) throw new Error('no simulator');
  const client = new Groq({
    apiKey: sim.apiKey,
    baseURL: sim.baseURL,
    maxRetries: 2,
    fetch: scaledRetryFetch,
  });
  const model = fleet.adapters[0]?.models[0]?.id ?? '';
  return async (index: number): Promise<Outcome> => {
    try {
      const completion = await client.chat.completions.create({
        model,
        messages: requestMessages(index),
        max_completion_tokens: MAX_TOKENS,
      });
      const usage = completion.usage;
      return {
        ok: true,
        lane: 0,
        result: {
          text: completion.choices[0]?.message.content ?? '',
          toolCalls: [],
          finishReason: 'stop',
          usage: {
            inputTokens: usage?.prompt_tokens ?? 0,
            outputTokens: usage?.completion_tokens ?? 0,
            totalTokens: usage?.total_tokens ?? 0,
          },
        },
      };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  };
}

async function scaledRetryFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.status !== 429) return response;
  const headers = new Headers(response.headers);
  const seconds = Number(headers.get('retry-after'));
  const ms = Number(
    headers.get('retry-after-ms') ?? (Number.isFinite(seconds) ? seconds * 1_000 : Number.NaN),
  );
  if (Number.isFinite(ms)) {
    headers.delete('retry-after');
    headers.set('retry-after-ms', String(ms / TIME_SCALE));
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * What teams write by hand: try providers cheapest first, put one on a 60 s cooldown after a 429,
 * and when all are cooling down back off exponentially (1 s, 2 s, 4 s … up to 30 s), 8 tries at most.
 */
export function handWrittenRouter(fleet: Fleet) {
  const clock: Clock = fleet.clock;
  const cooldownUntil = fleet.adapters.map(() => 0);
  const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  return async (index: number): Promise<Outcome> => {
    let backoff = 1_000;
    for (let attempt = 0; attempt < 8; attempt++) {
      const lane = cooldownUntil.findIndex((until) => until <= clock.now());
      const adapter = fleet.adapters[lane];
      if (lane < 0 || !adapter) {
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
        continue;
      }
      try {
        const result = await adapter.doGenerate({
          model: adapter.models[0]?.id ?? '',
          messages: requestMessages(index),
          maxTokens: MAX_TOKENS,
          signal: new AbortController().signal,
        });
        return { ok: true, result, lane };
      } catch (error) {
        if (ProviderError.isInstance(error) && error.failure === 'rate_limit')
          cooldownUntil[lane] = clock.now() + 60_000;
        else {
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 30_000);
        }
      }
    }
    return { ok: false, error: 'gave up after 8 tries' };
  };
}
