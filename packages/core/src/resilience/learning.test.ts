// Models with no configured limits, on the fake clock over scripted providers: the slow start before
// the first answer, the AIMD window while no answer states the request limit, and its cap.
import { describe, expect, it } from 'vitest';
import { say, setup } from '../router/test-helpers.js';
import type { ScriptStep } from '../testing/index.js';

const cheap = { id: 'cheap', capability: 3, inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.4 };
const LATENCY = 100;
/** Groq-like headers: tokens per minute, requests per day; nothing about requests per minute. */
const NO_RPM = {
  tokens: { limit: 1_000_000, remaining: 999_000 },
  requests: { limit: 1_000_000, remaining: 999_999, windowMs: 86_400_000 },
};

/** Calls sent at each distinct time (ms after the first call), in order. */
function sendsByTime(calls: Array<{ at: number }>): Array<[number, number]> {
  const first = calls[0]?.at ?? 0;
  const counts = new Map<number, number>();
  for (const call of calls) counts.set(call.at - first, (counts.get(call.at - first) ?? 0) + 1);
  return [...counts.entries()];
}

/** The most calls in flight at once, every call taking `LATENCY`. */
function maxInFlight(calls: Array<{ at: number }>): number {
  let most = 0;
  for (const call of calls) {
    const open = calls.filter((other) => other.at <= call.at && other.at + LATENCY > call.at).length;
    most = Math.max(most, open);
  }
  return most;
}

async function burst(count: number, respond: () => ScriptStep, options = {}) {
  const { router, clock, adapters } = setup([{ name: 'a', models: [cheap], respond }], options);
  const results = Promise.allSettled(Array.from({ length: count }, () => router.chat(say('hi'))));
  await clock.runAll();
  const settled = await results;
  await router.close();
  return { settled, calls: adapters[0]?.calls ?? [] };
}

describe('learning limits (fake clock)', () => {
  it('slow start: initialInFlight calls until the first answer, then its stated limit paces the rest', async () => {
    const { settled, calls } = await burst(40, () => ({
      reply: 'ok',
      latencyMs: LATENCY,
      rateLimit: { requests: { limit: 30, remaining: 29, resetMs: 2_000 } },
    }));
    expect(settled.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    // 2 probes; their answers say 29 of 30 left (less the other probe): the bucket admits the rest as it
    // allows (28 at once, minus the 5% reserve that only the last waiters may use), then its refill.
    const sends = sendsByTime(calls);
    expect(sends[0]).toEqual([0, 2]);
    expect(sends[1]?.[0]).toBe(LATENCY);
    expect(sends[1]?.[1]).toBeGreaterThanOrEqual(26);
    expect(calls).toHaveLength(40);
  });

  it('no stated request limit: the window grows about one call per round trip, up to maxInFlight', async () => {
    const { settled, calls } = await burst(80, () => ({
      reply: 'ok',
      latencyMs: LATENCY,
      rateLimit: NO_RPM,
    }));
    expect(settled.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(calls).toHaveLength(80);
    const sends = sendsByTime(calls);
    // Rounds of LATENCY: 2 probes, then the window (2 → 2.5 → 2.9 → 3.2 …) one success at a time.
    expect(sends.slice(0, 4).map(([at]) => at)).toEqual([0, 100, 200, 300]);
    expect(sends[0]?.[1]).toBe(2);
    expect(maxInFlight(calls)).toBe(8);
    expect(maxInFlight(calls.slice(0, 20))).toBeLessThan(8);
  });

  it('the in-flight cap holds for a model that never states its request limit, with any maxInFlight', async () => {
    const { settled, calls } = await burst(150, () => ({ reply: 'ok', latencyMs: LATENCY }), {
      learning: { initialInFlight: 3, maxInFlight: 5 },
    });
    expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(150);
    expect(sendsByTime(calls)[0]).toEqual([0, 3]);
    expect(maxInFlight(calls)).toBe(5);
  });

  it('AIMD: the first 429 halves the window (once for the calls in flight with it), then it grows again', async () => {
    let served = 0;
    const { settled, calls } = await burst(120, () => {
      served++;
      // Calls 40..43 come back 429 (a provider that states no limit in its 429 either).
      if (served >= 40 && served < 44)
        return { fail: 'rate_limit', status: 429, retryAfterMs: 1_000, latencyMs: LATENCY };
      return { reply: 'ok', latencyMs: LATENCY, rateLimit: NO_RPM };
    });
    expect(settled.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    // Every request served once, plus the four 429s retried.
    expect(calls).toHaveLength(124);
    const firstRefused = calls[39]?.at ?? 0;
    const before = calls.filter((call) => call.at < firstRefused);
    const after = calls.filter((call) => call.at >= firstRefused + LATENCY);
    const windowBefore = maxInFlight(before.slice(-10));
    // After the cooldown the window is half what it was, and grows back by about one per round trip.
    const resumed = sendsByTime(after);
    expect(resumed[0]?.[1]).toBe(Math.floor(windowBefore / 2));
    expect(maxInFlight(after)).toBeGreaterThan(Math.floor(windowBefore / 2));
    expect(maxInFlight(after)).toBeLessThanOrEqual(8);
  });

  it('a stream’s headers open the window as soon as they arrive, not when the stream ends', async () => {
    const { router, clock, adapters } = setup(
      [
        {
          name: 'a',
          models: [cheap],
          respond: (_call, { n }) =>
            n === 1
              ? {
                  stream: [
                    { type: 'text-delta', text: 'slow' },
                    { type: 'finish', finishReason: 'stop' },
                  ],
                  latencyMs: LATENCY,
                  delayMs: 5_000,
                  rateLimit: { requests: { limit: 100, remaining: 99 } },
                }
              : { reply: 'ok', latencyMs: LATENCY },
        },
      ],
      { learning: { initialInFlight: 1 } },
    );
    const stream = (async () => {
      for await (const _event of router.stream(say('slow')));
    })();
    const chats = Promise.all(Array.from({ length: 10 }, () => router.chat(say('hi'))));
    await clock.runAll();
    await Promise.all([stream, chats]);
    expect(sendsByTime(adapters[0]?.calls ?? [])).toEqual([
      [0, 1],
      [LATENCY, 10],
    ]);
    await router.close();
  });

  it('configured limits are unaffected: no slow start, no window', async () => {
    const { router, clock, adapters } = setup([
      {
        name: 'a',
        models: [{ ...cheap, limits: { rpm: 1_000 } }],
        respond: () => ({ reply: 'ok', latencyMs: LATENCY }),
      },
    ]);
    const results = Promise.all(Array.from({ length: 50 }, () => router.chat(say('hi'))));
    await clock.runAll();
    await results;
    expect(sendsByTime(adapters[0]?.calls ?? [])).toEqual([[0, 50]]);
    await router.close();
  });

  it('learning: false sends everything at once', async () => {
    const { calls } = await burst(50, () => ({ reply: 'ok', latencyMs: LATENCY }), { learning: false });
    expect(sendsByTime(calls)).toEqual([[0, 50]]);
  });
});
