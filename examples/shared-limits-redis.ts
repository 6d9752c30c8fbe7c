// N worker processes, one provider limit: every worker's router keeps its budgets and cooldowns in Redis,
// so together they stay inside the account's RPM instead of each using all of it.
//
//   redis-server --port 6379 --save '' &          # any Redis 6+; REDIS_URL points elsewhere
//   pnpm tsx --conditions=@spillway/source examples/shared-limits-redis.ts
//
// Offline it runs against a simulated OpenAI server limited to 60 RPM. With OPENAI_API_KEY set it uses
// the real API (set RPM to your account's limit). Without Redis each worker warns once and falls back to
// its own share of the limit (degradedShare), so the example still completes.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRouter } from '@spillway/core';
import { openai } from '@spillway/openai';
import { redisStore } from '@spillway/redis';
import { startSimulatedProvider } from '@spillway/testing';

const WORKERS = 4;
// 64 requests against 60 RPM: the last few wait for the shared budget to refill instead of drawing 429s.
const REQUESTS_PER_WORKER = 16;
const RPM = Number(process.env.RPM ?? 60);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Target = { apiKey?: string; baseURL?: string };

async function worker(target: Target): Promise<{ ok: number; failed: number }> {
  const store = redisStore({
    url: redisUrl,
    prefix: 'example-shared-limits',
    degradedShare: 1 / WORKERS,
    logger: { warn: (message) => console.warn(`[worker ${process.pid}] ${message}`) },
  });
  const router = createRouter({
    providers: [openai({ ...target, models: ['gpt-5.4-nano'], limits: { rpm: RPM } })],
    store,
  });
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: 4 }, async (_, lane) => {
      for (let i = lane; i < REQUESTS_PER_WORKER; i += 4) {
        try {
          await router.chat({ messages: [{ role: 'user', content: `Say hello (${i}).` }], maxTokens: 16 });
          ok++;
        } catch (error) {
          failed++;
          console.error(`[worker ${process.pid}]`, (error as Error).message);
        }
      }
    }),
  );
  await router.close();
  await store.close();
  return { ok, failed };
}

async function main(): Promise<void> {
  const live = process.env.OPENAI_API_KEY !== undefined;
  const sim = live ? undefined : await startSimulatedProvider({ protocol: 'openai', limits: { rpm: RPM } });
  const target: Target = sim ? { apiKey: sim.apiKey, baseURL: sim.baseURL } : {};
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: WORKERS }, () => {
      const child = fork(fileURLToPath(import.meta.url), ['worker', JSON.stringify(target)]);
      return new Promise<{ ok: number; failed: number }>((resolve) => child.once('message', resolve));
    }),
  );
  const ok = results.reduce((sum, result) => sum + result.ok, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  console.log(
    `${WORKERS} workers: ${ok} answered, ${failed} failed in ${Date.now() - started} ms (limit ${RPM} RPM)`,
  );
  if (sim) {
    console.log(`the provider sent ${sim.stats().rateLimited} 429s`);
    await sim.close();
  }
}

if (process.argv[2] === 'worker') {
  const result = await worker(JSON.parse(process.argv[3] ?? '{}') as Target);
  process.send?.(result);
} else {
  await main();
}
