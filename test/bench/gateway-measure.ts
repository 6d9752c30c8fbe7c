import { loadavg } from 'node:os';
import { startGateway } from '@spillway/gateway';
import OpenAI from 'openai';
import type { BenchRow } from './bench-module.js';
import { startGatewayProcess } from './gateway-process.js';
import { ascending, drained, MESSAGES, MODEL, percentile, startLoopback } from './loopback.js';

// Run by gateway.ts in a child process without the source condition, so the packages load from their
// builds (dist). Prints the rows as JSON on stdout.

const WARMUP = 300;
const SAMPLES = 1_500;
const THROUGHPUT_MS = 3_000;
const CLIENTS = 32;
const KEY = 'sk-bench-gateway-key';
const us = (ms: number) => Math.round(ms * 1_000);
const LATENCY = { text: '≤ 250 µs p50, ≤ 1 ms p99', p50: 0.25, p99: 1 };

async function interleave(a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const times: [number[], number[]] = [[], []];
  for (let index = 0; index < WARMUP + SAMPLES; index++) {
    for (const [side, call] of [a, b].entries()) {
      const started = performance.now();
      await call();
      await drained();
      if (index >= WARMUP) times[side]?.push(performance.now() - started);
    }
  }
  return times.map(ascending) as [number[], number[]];
}

async function throughput(call: () => Promise<unknown>): Promise<number> {
  let done = 0;
  const end = performance.now() + THROUGHPUT_MS;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return Math.round(done / (THROUGHPUT_MS / 1_000));
}

function addedRow(label: string, base: number[], other: number[]): BenchRow {
  const p50 = percentile(other, 50) - percentile(base, 50);
  const p99 = percentile(other, 99) - percentile(base, 99);
  return {
    case: `added by the gateway (${label})`,
    metrics: { 'p50 (µs)': us(p50), 'p99 (µs)': us(p99) },
    target: { text: LATENCY.text, met: p50 <= LATENCY.p50 && p99 <= LATENCY.p99 },
  };
}

async function run(): Promise<BenchRow[]> {
  const load = loadavg()[0] ?? 0;
  const { sim, sdk, router, close } = await startLoopback(10);
  const own = await startGatewayProcess(sim, KEY);
  const withMetrics = await startGateway({ router, keys: [{ key: KEY }] });
  const bare = await startGateway({ router, keys: [{ key: KEY }], metrics: false, dashboard: false });
  const client = (url: string) => new OpenAI({ apiKey: KEY, baseURL: `${url}/v1`, maxRetries: 0 });
  const create = (target: OpenAI) => () =>
    target.chat.completions.create({ model: MODEL, messages: MESSAGES });
  const direct = create(sdk);
  const viaOwn = create(client(own.url));
  try {
    const cpuBefore = await own.cpuMicros();
    const [base, separate] = await interleave(direct, viaOwn);
    const gatewayCpu = ((await own.cpuMicros()) - cpuBefore) / (WARMUP + SAMPLES);
    const [base2, inProcess] = await interleave(direct, create(client(withMetrics.url)));
    const [base3, inProcessBare] = await interleave(direct, create(client(bare.url)));
    const rows: BenchRow[] = [
      { case: 'load average (1 min) at the start', metrics: { load: load.toFixed(1) } },
      {
        case: 'openai SDK → simulator',
        metrics: { 'p50 (µs)': us(percentile(base, 50)), 'p99 (µs)': us(percentile(base, 99)) },
      },
      {
        case: 'openai SDK → gateway process → router → simulator',
        metrics: { 'p50 (µs)': us(percentile(separate, 50)), 'p99 (µs)': us(percentile(separate, 99)) },
      },
      addedRow('own process, /metrics on', base, separate),
      {
        case: 'gateway process CPU per request (user + system)',
        metrics: { 'cpu (µs)': Math.round(gatewayCpu) },
      },
      addedRow('same process as client and simulator, /metrics on', base2, inProcess),
      addedRow('same process, metrics and dashboard off', base3, inProcessBare),
    ];
    sim.reset();
    const directRate = await throughput(direct);
    const ownRate = await throughput(viaOwn);
    const sameRate = await throughput(create(client(withMetrics.url)));
    rows.push(
      { case: `requests/s, ${CLIENTS} clients → simulator`, metrics: { 'req/s': directRate } },
      { case: `requests/s, ${CLIENTS} clients → gateway process`, metrics: { 'req/s': ownRate } },
      {
        case: `requests/s, ${CLIENTS} clients → gateway in the same process`,
        metrics: { 'req/s': sameRate },
      },
    );
    return rows;
  } finally {
    await Promise.all([own.close(), withMetrics.close(), bare.close()]);
    await close();
  }
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
