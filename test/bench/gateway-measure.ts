import { loadavg } from 'node:os';
import OpenAI from 'openai';
import type { BenchRow } from './bench-module.js';
import { type ServerProcess, startSdkProxy, startServeProcess } from './gateway-process.js';
import { ascending, drained, MESSAGES, MODEL, percentile, startLoopback } from './loopback.js';

// Run by gateway.ts in a child process without the source condition, so the bench's own code loads
// the packages from their builds; the gateway itself runs as `node …/bin/spillway.js serve`. Prints
// the rows as JSON on stdout.

// V8 keeps tiering functions up for thousands of calls: with 300 warm-up calls the gateway process was
// still compiling during the samples (~1 ms of compiler-thread CPU per request under load).
const WARMUP = 3_000;
const SAMPLES = 2_000;
const CPU_CALLS = 1_000;
const THROUGHPUT_MS = 3_000;
const CLIENTS = 32;
const KEY = 'sk-bench-gateway-key';
const us = (ms: number) => Math.round(ms * 1_000);
const LATENCY = { text: '≤ 250 µs p50, ≤ 1 ms p99', p50: 0.25, p99: 1 };

type Side = { call: () => Promise<unknown>; server?: ServerProcess };

/** Calls the sides in turn (A, B, C, A, B, C …); returns each side's sorted times and server CPU per call. */
async function interleave(sides: Side[]) {
  const times: number[][] = sides.map(() => []);
  const cpuStart: Array<number | undefined> = [];
  for (let index = 0; index < WARMUP + SAMPLES; index++) {
    if (index === WARMUP) for (const side of sides) cpuStart.push(side.server?.cpuMicros());
    for (const [at, side] of sides.entries()) {
      const started = performance.now();
      await side.call();
      await drained();
      if (index >= WARMUP) times[at]?.push(performance.now() - started);
    }
  }
  const cpu = sides.map((side, at) => {
    const before = cpuStart[at];
    const after = side.server?.cpuMicros();
    return before === undefined || after === undefined ? undefined : (after - before) / SAMPLES;
  });
  return { times: times.map(ascending), cpu };
}

/** CPU (user + system, µs) this process spends per direct call: the SDK's client side plus the simulator. */
async function directCpu(call: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let index = 0; index < CPU_CALLS; index++) {
    await call();
    await drained();
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CPU_CALLS;
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

const latency = (sorted: number[]) => ({
  'p50 (µs)': us(percentile(sorted, 50)),
  'p99 (µs)': us(percentile(sorted, 99)),
});

function added(sorted: number[], base: number[]) {
  const p50 = percentile(sorted, 50) - percentile(base, 50);
  const p99 = percentile(sorted, 99) - percentile(base, 99);
  return {
    metrics: { 'p50 (µs)': us(p50), 'p99 (µs)': us(p99) },
    met: p50 <= LATENCY.p50 && p99 <= LATENCY.p99,
  };
}

const cpuMetric = (micros: number | undefined) =>
  micros === undefined ? {} : { 'cpu (µs)': Math.round(micros) };

async function run(): Promise<BenchRow[]> {
  const load = loadavg()[0] ?? 0;
  const { sim, sdk, close } = await startLoopback(10);
  const servers: ServerProcess[] = [];
  try {
    const proxy = await startSdkProxy(sim);
    servers.push(proxy);
    const gateway = await startServeProcess(sim, KEY);
    servers.push(gateway);
    // One client configuration for every side: the same SDK, keep-alive (undici's default), no retries.
    const client = (url: string, apiKey: string) =>
      new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 });
    const create = (target: OpenAI) => () =>
      target.chat.completions.create({ model: MODEL, messages: MESSAGES });
    const direct = create(sdk);
    const viaProxy = create(client(proxy.url, 'unused'));
    const viaGateway = create(client(gateway.url, KEY));

    const { times, cpu } = await interleave([
      { call: direct },
      { call: viaProxy, server: proxy },
      { call: viaGateway, server: gateway },
    ]);
    const [base = [], floor = [], served = []] = times;
    const clientCpu = await directCpu(direct);
    const overFloor = added(served, floor);
    const gatewayAdded = added(served, base);
    const rows: BenchRow[] = [
      { case: 'load average (1 min) at the start', metrics: { load: load.toFixed(1) } },
      {
        case: 'openai SDK → simulator (cpu: SDK client + simulator, bench process)',
        metrics: { ...latency(base), 'cpu (µs)': Math.round(clientCpu) },
      },
      {
        case: 'openai SDK → node:http + openai SDK pass-through → simulator',
        metrics: { ...latency(floor), ...cpuMetric(cpu[1]) },
      },
      {
        case: 'added by the pass-through (the floor of an SDK-based hop)',
        metrics: added(floor, base).metrics,
      },
      {
        case: 'openai SDK → `spillway serve` → simulator (cpu: gateway process)',
        metrics: { ...latency(served), ...cpuMetric(cpu[2]) },
      },
      {
        case: 'added by `spillway serve`',
        metrics: gatewayAdded.metrics,
        target: { text: LATENCY.text, met: gatewayAdded.met },
      },
      { case: 'added by `spillway serve` over the pass-through', metrics: overFloor.metrics },
    ];
    sim.reset();
    for (const [label, call] of [
      ['simulator', direct],
      ['pass-through', viaProxy],
      ['`spillway serve`', viaGateway],
    ] as const) {
      rows.push({
        case: `requests/s, ${CLIENTS} clients → ${label}`,
        metrics: { 'req/s': await throughput(call) },
      });
    }
    return rows;
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    await close();
  }
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
