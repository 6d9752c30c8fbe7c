import { describe, expect, it } from 'vitest';
import { type Clock, seededRandom } from '../clock.js';
import { ProviderError } from '../errors.js';
import { createRouter } from '../router/router.js';
import { say } from '../router/test-helpers.js';
import type { ProviderAdapter } from '../spec.js';
import { SPECIFICATION_VERSION } from '../spec.js';
import { FakeClock } from '../testing/index.js';
import type { RateLimitSnapshot } from '../types.js';
import { fullBucket, refill } from './token-bucket.js';

const RPM = 60;

type LagOptions = {
  clock: Clock;
  /** Calls sent in the first `coldMs` are counted only after it (the connection is still opening). */
  coldMs: number;
  /** How long after it was sent the provider counts each call: `lagMs` plus uniform in [0, jitterMs). */
  lagMs: number;
  jitterMs: number;
  /** Whether answers carry x-ratelimit style request counts (Groq's per-minute count has none). */
  headers: boolean;
  seed: number;
};

/**
 * A provider that counts each call some time after the router sent it, in a per-minute request bucket
 * of its own, answers 429 when that bucket is empty, and otherwise replies 200 ms later.
 */
function laggingProvider(options: LagOptions) {
  const { clock } = options;
  const random = seededRandom(options.seed);
  const bucket = fullBucket(RPM, 60_000, clock.now());
  let created = false;
  let firstSentAt: number | undefined;
  const seen = { ok: 0, rateLimited: 0 };
  const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  const adapter: ProviderAdapter = {
    specificationVersion: SPECIFICATION_VERSION,
    name: 'lagging',
    kind: 'test',
    models: [
      {
        id: 'm',
        capability: 5,
        inputUsdPerMTok: 1,
        outputUsdPerMTok: 2,
        contextWindow: 100_000,
        supports: { tools: true, vision: true, json: true, streaming: true },
        limits: { rpm: RPM },
      },
    ],
    async doGenerate(call) {
      firstSentAt ??= clock.now();
      const opening = Math.max(0, firstSentAt + options.coldMs - clock.now());
      await sleep(opening + options.lagMs + random() * options.jitterMs);
      const now = clock.now();
      // Like the simulators, the provider's bucket starts full when it first sees a call.
      if (!created) Object.assign(bucket, fullBucket(RPM, 60_000, now));
      created = true;
      refill(bucket, now);
      const snapshot = (): RateLimitSnapshot | undefined =>
        options.headers
          ? { requests: { limit: RPM, remaining: Math.max(0, Math.floor(bucket.level)) } }
          : undefined;
      if (bucket.level < 1) {
        seen.rateLimited++;
        throw new ProviderError('429', {
          failure: 'rate_limit',
          provider: 'lagging',
          model: call.model,
          status: 429,
          retryAfterMs: 1_000,
          rateLimit: snapshot(),
        });
      }
      bucket.level -= 1;
      const rateLimit = snapshot();
      await sleep(200);
      seen.ok++;
      return {
        text: 'ok',
        toolCalls: [],
        finishReason: 'stop',
        usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 },
        rateLimit,
      };
    },
    async doStream() {
      throw new Error('not used');
    },
  };
  return { adapter, seen };
}

async function burst(options: Omit<LagOptions, 'clock'>, count: number, inFlight: number) {
  const clock = new FakeClock();
  const start = clock.now();
  const provider = laggingProvider({ ...options, clock });
  const router = createRouter({ providers: [provider.adapter], clock, random: seededRandom(3) });
  let next = 0;
  const workers = Array.from({ length: inFlight }, async () => {
    while (next < count) {
      next++;
      await router.chat(say('hi'));
    }
  });
  const done = Promise.all(workers);
  await clock.runAll();
  await done;
  await router.close();
  return { ...provider.seen, elapsedMs: clock.now() - start };
}

describe('budgets when the provider counts calls late', () => {
  it.each([
    { headers: true, seed: 1 },
    { headers: false, seed: 2 },
  ])(
    'a 3 s cold start and up to 400 ms of jitter: no 429, nothing lost, full pace (headers: $headers)',
    async (options) => {
      const result = await burst({ coldMs: 3_000, lagMs: 0, jitterMs: 400, ...options }, 150, 90);
      expect(result).toMatchObject({ ok: 150, rateLimited: 0 });
      // 60 at once, then one a second: the last of 150 is counted about 90 s after the start, plus the
      // cold start (the budget refills from the provider's first answer) and the last reply.
      expect(result.elapsedMs).toBeGreaterThanOrEqual(90_000);
      expect(result.elapsedMs).toBeLessThan(90_000 + 3_000 + 2_000);
    },
  );

  it('every call counted 800 ms late: answers that do not count the calls sent since cost no 429', async () => {
    const result = await burst({ coldMs: 0, lagMs: 800, jitterMs: 0, headers: true, seed: 3 }, 150, 90);
    expect(result).toMatchObject({ ok: 150, rateLimited: 0 });
    expect(result.elapsedMs).toBeLessThan(90_000 + 2_000 + 2_000);
  });
});
