import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeaseRaceConfig, LeaseRaceReport } from './redis-lease-worker.js';
import { type RedisServer, redisServerBinary, SKIP_REASON, startRedisServer } from './redis-server.js';

const PROCESSES = 4;
const LIMIT = 1_000;
const workerScript = fileURLToPath(new URL('./redis-lease-worker.ts', import.meta.url));

function startWorker(
  config: LeaseRaceConfig,
): Promise<{ child: ChildProcess; report: Promise<LeaseRaceReport> }> {
  const child = fork(workerScript, {
    execArgv: ['--conditions=@spillway/source', '--import', 'tsx'],
    env: { ...process.env, SPILLWAY_LEASE_RACE: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', () => {
      const report = new Promise<LeaseRaceReport>((done, fail) => {
        child.once('message', (message) => done(message as LeaseRaceReport));
        child.once('exit', (code) => fail(new Error(`lease worker exited (${code}) before reporting`)));
      });
      resolve({ child, report });
    });
  });
}

describe.skipIf(!redisServerBinary)(
  `${PROCESSES} processes leasing from one Redis limit${redisServerBinary ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let server: RedisServer;
    let admin: Redis;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      server = await startRedisServer();
      admin = new Redis(server.url);
    });
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      admin?.disconnect();
      await server?.stop();
    });

    it('admit no more than the limit together, in far fewer scripts than admissions, and give back the rest', async () => {
      // A window of about 11 days: nothing refills while the race runs, so the limit is exactly 1,000.
      const windowMs = 1e9;
      const config = {
        url: server.url,
        prefix: 'race',
        key: 'openai/gpt-5.4-mini',
        capacity: LIMIT,
        windowMs,
      };
      const workers = await Promise.all(Array.from({ length: PROCESSES }, () => startWorker(config)));
      children.push(...workers.map((worker) => worker.child));
      const before = await scripts(admin);
      // 2,400 attempts at once for 1,000: every process runs out, so slices shrink to nothing at the end.
      for (const worker of workers) worker.child.send({ attempts: 600, lanes: 8 });
      const reports = await Promise.all(workers.map((worker) => worker.report));
      const admitted = reports.reduce((sum, report) => sum + report.admitted, 0);
      const sent = (await scripts(admin)) - before;

      expect(reports.some((report) => report.degraded)).toBe(false);
      expect(admitted).toBeLessThanOrEqual(LIMIT);
      // What the processes did not spend came back when they closed: Redis holds exactly the rest.
      const [bucket] = JSON.parse((await admin.get('{race:openai/gpt-5.4-mini}:budget')) ?? '[]') as Array<{
        l: number;
      }>;
      expect(admitted + (bucket?.l ?? 0)).toBeCloseTo(LIMIT, 0);
      expect(admitted).toBeGreaterThan(LIMIT * 0.9);
      // Leases, not one script per admission: a refusal still asks Redis (the bucket may have refilled or
      // been given back), an admission mostly does not.
      const refused = reports.reduce((sum, report) => sum + report.refused, 0);
      expect(sent - refused).toBeLessThan(admitted / 10);
    }, 60_000);
  },
);

async function scripts(client: Redis): Promise<number> {
  const stats = String(await client.info('commandstats'));
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}
