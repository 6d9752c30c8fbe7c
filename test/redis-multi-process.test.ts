import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { estimatePromptTokens, findCatalogModel } from '@spillway/core';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, redisServerBinary, SKIP_REASON, startRedisServer } from './redis-server.js';
import type { RunCommand, RunReport, WorkerConfig } from './redis-worker.js';

const WORKERS = 4;
const RPM = 60;
const BUDGET_USD = 0.01;
const BUDGET_MODEL = 'gpt-5.6-sol';
const workerScript = fileURLToPath(new URL('./redis-worker.ts', import.meta.url));

type Worker = { child: ChildProcess; run(command: Omit<RunCommand, 'type' | 'id'>): Promise<RunReport> };

function startWorker(config: WorkerConfig): Promise<Worker> {
  const child = fork(workerScript, {
    execArgv: ['--conditions=@spillway/source', '--import', 'tsx'],
    env: { ...process.env, SPILLWAY_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, (report: RunReport) => void>();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    child.on('message', (message: RunReport | { type: 'ready' }) => {
      if ('type' in message) {
        resolve({
          child,
          run: (command) =>
            new Promise((done) => {
              const id = ++next;
              waiting.set(id, done);
              child.send({ type: 'run', id, ...command });
            }),
        });
        return;
      }
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    });
  });
}

const total = (reports: RunReport[], field: 'ok' | 'failed' | 'deadline' | 'budgetExceeded' | 'costUsd') =>
  reports.reduce((sum, report) => sum + report[field], 0);

describe.skipIf(!redisServerBinary)(
  `${WORKERS} worker processes share one provider limit through Redis${redisServerBinary ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let server: RedisServer;
    let sim: SimulatedProvider;
    let workers: Worker[] = [];
    const runAll = (command: Omit<RunCommand, 'type' | 'id'>) =>
      Promise.all(workers.map((worker) => worker.run(command)));

    beforeAll(async () => {
      server = await startRedisServer();
      sim = await startSimulatedProvider({ protocol: 'openai', limits: { rpm: RPM }, replyTokens: 5 });
      const config = {
        redisUrl: server.url,
        baseURL: sim.baseURL,
        apiKey: sim.apiKey,
        prefix: 'mp',
        rpm: RPM,
        budgetUsd: BUDGET_USD,
        budgetModel: BUDGET_MODEL,
      };
      workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(config)));
    }, 60_000);

    afterAll(async () => {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.child.once('exit', () => resolve());
              worker.child.send({ type: 'close' });
            }),
        ),
      );
      await sim?.close();
      await server?.stop();
    });

    it('honours a cooldown one process set from the others’ next request', async () => {
      // The next request to reach the simulator is refused with Retry-After: 60 s.
      sim.setFaults({ script: [{ outcome: 'rateLimit', retryAfterMs: 60_000 }] });
      const [first] = workers;
      const cooled = await first?.run({ model: ['gpt-5.4-nano', 'gpt-5.4-mini'], concurrency: 1, count: 1 });
      expect(cooled).toMatchObject({ ok: 1, byModel: { 'gpt-5.4-mini': 1 } });
      const nanoBefore = sim.stats().models['gpt-5.4-nano']?.requests;
      expect(nanoBefore).toBe(1);

      const reports = await runAll({ model: ['gpt-5.4-nano', 'gpt-5.4-mini'], concurrency: 1, count: 2 });
      expect(total(reports, 'ok')).toBe(WORKERS * 2);
      // Nobody sent another request to the cooling model: Redis refused their reservations.
      expect(sim.stats().models['gpt-5.4-nano']?.requests).toBe(1);
      expect(sim.stats().rateLimited).toBe(1);
    });

    // With leases (the default): a provider's remaining must not count calls sent from a slice twice,
    // or a low limit shared by busy processes loses a tenth of its goodput (decision 2240).
    it('together stay inside the limit: zero 429s and at least 90% of what it allows', async () => {
      const before = sim.stats();
      const started = Date.now();
      const reports = await runAll({ model: 'gpt-5.4', concurrency: 4, durationMs: 5_000 });
      const elapsedMs = Date.now() - started;
      const after = sim.stats();
      expect(after.rateLimited - before.rateLimited).toBe(0);
      expect(reports.flatMap((report) => report.errors)).toEqual([]);
      // A model nobody used yet: the simulator's bucket and the shared one start full and refill RPM a minute.
      const allowed = RPM + (RPM * elapsedMs) / 60_000;
      expect(total(reports, 'ok')).toBeGreaterThanOrEqual(Math.floor(0.9 * allowed));
      expect(total(reports, 'ok')).toBeLessThanOrEqual(Math.ceil(allowed));
    });

    it('stay inside the limit through a Redis outage and an empty restart, and lose no request', async () => {
      const model = 'gpt-5.5';
      const sent = () => sim.stats().models[model]?.requests ?? 0;
      const limitedBefore = sim.stats().rateLimited;
      const started = Date.now();
      // The minute's budget is spent while Redis is up, until a whole run admits nothing: every worker's
      // last reply says the budget is empty.
      const drained: RunReport[] = [];
      await vi.waitFor(
        async () => {
          const run = await runAll({ model, concurrency: 4, durationMs: 500 });
          drained.push(...run);
          expect(total(run, 'ok')).toBe(0);
        },
        { timeout: 15_000, interval: 0 },
      );

      // Killed between two requests, so every worker sees it. The fallbacks start where Redis left off
      // (empty), not with a full quarter each.
      await server.kill();
      const outage = await runAll({ model, concurrency: 4, durationMs: 1_500 });
      expect(outage.every((report) => report.degraded && report.degradedEvents === 1)).toBe(true);

      // Back empty: the lost budget restarts empty, not full, and is charged what the outage spent.
      await server.restart();
      const recovery: RunReport[] = [];
      await vi.waitFor(
        async () => {
          const again = await runAll({ model, concurrency: 4, durationMs: 300 });
          recovery.push(...again);
          expect(again.every((report) => !report.degraded && report.recoveredEvents === 1)).toBe(true);
        },
        { timeout: 10_000, interval: 0 },
      );
      const elapsedMs = Date.now() - started;

      // The provider's own 60 RPM bucket is the judge: it refused nothing.
      expect(sim.stats().rateLimited - limitedBefore).toBe(0);
      // A model nobody used yet: the bucket starts full and refills RPM a minute.
      expect(sent()).toBeLessThanOrEqual(Math.ceil(RPM + (RPM * elapsedMs) / 60_000));
      // Nothing lost: every request was answered or ended at its deadline (most refused unsent).
      const reports = [...drained, ...outage, ...recovery];
      expect(reports.flatMap((report) => report.errors)).toEqual([]);
      expect(total(reports, 'failed')).toBe(0);
      // The shared budget was rebuilt in the new, empty server.
      const admin = new Redis(server.url);
      expect(await admin.exists('{mp:openai/gpt-5.5}:budget')).toBe(1);
      admin.disconnect();
    });

    // Last: 200 requests at once load Redis, and a command timing out would count as an outage above.
    it('never overspend one spend budget together: 200 concurrent requests against $0.01', async () => {
      const reports = await runAll({ model: BUDGET_MODEL, concurrency: 50, count: 50 });
      expect(reports.flatMap((report) => report.errors)).toEqual([]);
      const ok = total(reports, 'ok');
      // Every request was either answered or refused with BudgetExceededError before anything was sent.
      expect(ok + total(reports, 'budgetExceeded')).toBe(200);
      expect(sim.stats().models[BUDGET_MODEL]?.requests).toBe(ok);
      // One reservation: the prompt estimate and maxTokens (16) at the model's prices.
      const spec = findCatalogModel(BUDGET_MODEL);
      const prompt = estimatePromptTokens([{ role: 'user', content: 'Say hello.' }]);
      const reservation = (prompt * (spec?.inputUsdPerMTok ?? 0) + 16 * (spec?.outputUsdPerMTok ?? 0)) / 1e6;
      const spent = total(reports, 'costUsd');
      expect(spent).toBeLessThanOrEqual(BUDGET_USD + reservation);
      // All at once, so none settled before the rest asked: as many as there was room to reserve.
      expect(ok).toBeGreaterThanOrEqual(Math.floor(BUDGET_USD / reservation));
      // Redis holds the settled total (nothing is still held), inside the same bound.
      const admin = new Redis(server.url);
      const [key] = await admin.keys('mp:spend:sol:*');
      const stored = Number(await admin.get(key as string));
      admin.disconnect();
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThanOrEqual(BUDGET_USD + reservation);
    });
  },
);
