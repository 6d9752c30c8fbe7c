import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RedisServer, startRedisServer } from '../redis-server.js';
import type { BenchRow } from './bench-module.js';
import { buildPackages } from './from-build.js';
import type { SimConfig, SimReady, SimStats } from './realtime-sim.js';
import type { JobDone, WorkerConfig } from './realtime-worker.js';

// Real time, real processes: three simulated providers each in its own process, four worker processes
// with routers sharing one redis-server, and this process as the job queue. Children load the packages
// from their builds. SPILLWAY_BENCH_SECONDS shortens or lengthens the run (default 120).

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SECONDS = Number(process.env.SPILLWAY_BENCH_SECONDS ?? 120);
const WORKERS = 4;
const IN_FLIGHT_PER_WORKER = 16;
const MAX_TOKENS = 40;
const LANES = [
  { kind: 'groq', protocol: 'groq', model: 'openai/gpt-oss-20b', rpm: 600 },
  { kind: 'openai', protocol: 'openai', model: 'gpt-5.4-nano', rpm: 400 },
  { kind: 'anthropic', protocol: 'anthropic', model: 'claude-haiku-4-5', rpm: 200 },
] as const;
const TOTAL_RPM = LANES.reduce((sum, lane) => sum + lane.rpm, 0);
/** Buckets start full and refill per minute, so finishing in SECONDS takes Σrpm·(1 + SECONDS/60) requests. */
const JOBS = Math.round(TOTAL_RPM * (1 + SECONDS / 60));

export const name = 'realtime';
export const description =
  `Real time, real processes: ${JOBS} jobs from a queue in the parent process to ${WORKERS} worker ` +
  `processes (${IN_FLIGHT_PER_WORKER} in flight each), whose routers share limits through one redis-server, ` +
  `against three simulated providers (Groq, OpenAI, Anthropic protocols) each in its own process, ` +
  `${LANES.map((lane) => lane.rpm).join('/')} requests per minute. The ideal finishes in ${SECONDS} s ` +
  '(every lane at its limit from start to end, buckets full at the start). Goodput is ideal time over ' +
  'measured time; the first Σrpm jobs (the full buckets) are CPU-bound, so their time shows how busy the machine was. In the second run one worker is killed (SIGKILL) 40% into the run and restarted 2 s ' +
  'later; the jobs it held go back to the queue. The third run gives the routers no limits: they learn them ' +
  'from headers and 429s. Lost: jobs that ended in an error or never ended.';

type Child<T> = { child: ChildProcess; ready: T };

function start<T>(script: string, envName: string, config: unknown): Promise<Child<T>> {
  // No source condition: the packages load from dist, as users run them.
  const child = fork(join(here, script), {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, [envName]: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${script} exited early (${code})`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.once('message', (ready: T) => {
      child.off('exit', onExit);
      resolve({ child, ready });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'close' });
    else child.kill('SIGKILL');
  });
}

async function simStats(child: ChildProcess): Promise<SimStats> {
  return new Promise((resolve) => {
    child.once('message', (stats: SimStats) => resolve(stats));
    child.send({ type: 'stats' });
  });
}

async function measure(
  label: string,
  redis: RedisServer,
  options: { knownLimits: boolean; killOne: boolean },
): Promise<BenchRow> {
  const sims = await Promise.all(
    LANES.map((lane, index) =>
      start<SimReady>('realtime-sim.ts', 'SPILLWAY_SIM', {
        protocol: lane.protocol,
        rpm: lane.rpm,
        ttftMs: 20,
        replyTokens: 30,
        seed: index + 1,
      } satisfies SimConfig),
    ),
  );
  const config: WorkerConfig = {
    redisUrl: redis.url,
    prefix: `realtime-${Date.now()}`,
    knownLimits: options.knownLimits,
    maxTokens: MAX_TOKENS,
    providers: LANES.map((lane, index) => ({
      kind: lane.kind,
      model: lane.model,
      rpm: lane.rpm,
      baseURL: sims[index]?.ready.baseURL ?? '',
      apiKey: sims[index]?.ready.apiKey ?? '',
    })),
  };

  const queue = Array.from({ length: JOBS }, (_, index) => index);
  const outcomes = new Map<number, JobDone>();
  const workers: Array<{ child: ChildProcess; held: Set<number> } | undefined> = [];
  let started = 0;
  let finished = 0;
  let restarts = 0;
  const doneAt: number[] = [];
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });

  const feed = (slot: number) => {
    const worker = workers[slot];
    if (!worker?.child.connected) return;
    while (worker.held.size < IN_FLIGHT_PER_WORKER && queue.length > 0) {
      const index = queue.shift() as number;
      worker.held.add(index);
      worker.child.send({ type: 'job', index });
    }
  };
  const attach = async (slot: number) => {
    const { child } = await start<{ type: 'ready' }>('realtime-worker.ts', 'SPILLWAY_WORKER', config);
    const worker = { child, held: new Set<number>() };
    workers[slot] = worker;
    child.on('message', (message: JobDone) => {
      worker.held.delete(message.index);
      outcomes.set(message.index, message);
      doneAt.push(performance.now() - started);
      if (outcomes.size === JOBS) {
        finished = performance.now();
        allDone();
      }
      feed(slot);
    });
    // A killed worker's jobs go back to the front of the queue, as a job queue redelivers them.
    child.once('exit', () => {
      queue.unshift(...worker.held);
      worker.held.clear();
      for (let other = 0; other < WORKERS; other++) feed(other);
    });
    return worker;
  };

  try {
    await Promise.all(Array.from({ length: WORKERS }, (_, slot) => attach(slot)));
    started = performance.now();
    for (let slot = 0; slot < WORKERS; slot++) feed(slot);
    let killTimer: NodeJS.Timeout | undefined;
    if (options.killOne) {
      killTimer = setTimeout(() => {
        workers[1]?.child.kill('SIGKILL');
        setTimeout(() => {
          restarts++;
          void attach(1).then(() => feed(1));
        }, 2_000);
      }, SECONDS * 400);
    }
    // Anything not done by three times the ideal counts as lost.
    const limit = setTimeout(allDone, SECONDS * 3_000);
    await done;
    clearTimeout(limit);
    clearTimeout(killTimer);
    if (!finished) finished = performance.now();

    const seconds = (finished - started) / 1_000;
    // When the first Σrpm jobs (what full buckets allow at once) were done: that part is CPU-bound, so it
    // shows how busy the machine was.
    const burst = doneAt.sort((a, b) => a - b)[Math.min(doneAt.length, Math.round(TOTAL_RPM)) - 1] ?? 0;
    const completed = [...outcomes.values()].filter((outcome) => outcome.ok);
    const failed = [...outcomes.values()].find((outcome) => !outcome.ok);
    const stats = await Promise.all(sims.map((sim) => simStats(sim.child)));
    const rateLimited = stats.reduce((sum, entry) => sum + entry.rateLimited, 0);
    const sent = stats.reduce((sum, entry) => sum + entry.requests, 0);
    const lost = JOBS - completed.length;
    const goodput = SECONDS / seconds;
    const costUsd = completed.reduce((sum, outcome) => sum + (outcome.costUsd ?? 0), 0);
    return {
      case: label,
      metrics: {
        'completion (s)': seconds.toFixed(1),
        'ideal (s)': SECONDS.toFixed(1),
        [`first ${TOTAL_RPM} done (s)`]: (burst / 1_000).toFixed(1),
        goodput: `${(goodput * 100).toFixed(1)}%`,
        'calls sent': sent,
        'calls per provider': stats.map((entry) => entry.requests).join('/'),
        '429s sent': rateLimited,
        lost,
        restarts,
        'cost (USD)': costUsd.toFixed(5),
        ...(failed ? { 'first error': failed.error ?? '' } : {}),
      },
      target: {
        text: options.knownLimits ? 'goodput >= 95%, 0 lost, 0 429s' : 'goodput >= 90%, 0 lost',
        met:
          goodput >= (options.knownLimits ? 0.95 : 0.9) &&
          lost === 0 &&
          (!options.knownLimits || rateLimited === 0),
      },
    };
  } finally {
    await Promise.all(workers.map((worker) => (worker ? stop(worker.child) : undefined)));
    await Promise.all(sims.map((sim) => stop(sim.child)));
  }
}

export async function run(): Promise<BenchRow[]> {
  buildPackages();
  const redis = await startRedisServer();
  try {
    const rows: BenchRow[] = [];
    // SPILLWAY_BENCH_CASE=steady|kill|learned runs one case.
    const only = process.env.SPILLWAY_BENCH_CASE;
    const cases = [
      { key: 'steady', label: '4 workers, limits configured', knownLimits: true, killOne: false },
      {
        key: 'kill',
        label: '4 workers, limits configured, one killed and restarted',
        knownLimits: true,
        killOne: true,
      },
      { key: 'learned', label: '4 workers, limits learned from headers', knownLimits: false, killOne: false },
    ];
    for (const entry of cases) {
      if (!only || only === entry.key) rows.push(await measure(entry.label, redis, entry));
    }
    return rows;
  } finally {
    await redis.stop();
  }
}
