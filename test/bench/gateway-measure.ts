import { startGateway } from '@spillway/gateway';
import OpenAI from 'openai';
import type { BenchRow } from './bench-module.js';
import { ascending, drained, MESSAGES, MODEL, percentile, startLoopback } from './loopback.js';

// Run by gateway.ts in a child process without the source condition, so the packages load from their
// builds (dist). Prints the rows as JSON on stdout.

const WARMUP = 300;
const SAMPLES = 1_500;
const THROUGHPUT_MS = 3_000;
const CLIENTS = 32;
const KEY = 'sk-bench-gateway-key';
const us = (ms: number) => Math.round(ms * 1_000);

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

async function run(): Promise<BenchRow[]> {
  const { sim, sdk, router, close } = await startLoopback(10);
  const withMetrics = await startGateway({ router, keys: [{ key: KEY }] });
  const bare = await startGateway({ router, keys: [{ key: KEY }], metrics: false, dashboard: false });
  const client = (url: string) => new OpenAI({ apiKey: KEY, baseURL: `${url}/v1`, maxRetries: 0 });
  const viaMetrics = client(withMetrics.url);
  const viaBare = client(bare.url);
  const create = (target: OpenAI) => () =>
    target.chat.completions.create({ model: MODEL, messages: MESSAGES });
  try {
    const [direct, gateway] = await interleave(create(sdk), create(viaMetrics));
    const [direct2, gatewayBare] = await interleave(create(sdk), create(viaBare));
    const added = (base: number[], other: number[], p: number) => percentile(other, p) - percentile(base, p);
    const rows: BenchRow[] = [
      {
        case: 'openai SDK → simulator',
        metrics: { 'p50 (µs)': us(percentile(direct, 50)), 'p99 (µs)': us(percentile(direct, 99)) },
      },
      {
        case: 'openai SDK → gateway → router → simulator',
        metrics: { 'p50 (µs)': us(percentile(gateway, 50)), 'p99 (µs)': us(percentile(gateway, 99)) },
      },
      {
        case: 'added by the gateway (with /metrics)',
        metrics: { 'p50 (µs)': us(added(direct, gateway, 50)), 'p99 (µs)': us(added(direct, gateway, 99)) },
        target: {
          text: '≤ 250 µs p50, ≤ 1 ms p99',
          met: added(direct, gateway, 50) <= 0.25 && added(direct, gateway, 99) <= 1,
        },
      },
      {
        case: 'added by the gateway (metrics and dashboard off)',
        metrics: {
          'p50 (µs)': us(added(direct2, gatewayBare, 50)),
          'p99 (µs)': us(added(direct2, gatewayBare, 99)),
        },
      },
    ];
    sim.reset();
    const directRate = await throughput(create(sdk));
    const gatewayRate = await throughput(create(viaMetrics));
    rows.push(
      { case: `requests/s, ${CLIENTS} clients → simulator`, metrics: { 'req/s': directRate } },
      { case: `requests/s, ${CLIENTS} clients → gateway`, metrics: { 'req/s': gatewayRate } },
    );
    return rows;
  } finally {
    await Promise.all([withMetrics.close(), bare.close()]);
    await close();
  }
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
