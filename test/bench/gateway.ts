import type { BenchRow } from './bench-module.js';
import { rowsFromBuild } from './from-build.js';

export const name = 'gateway';
export const description =
  'Latency the gateway adds: the official openai SDK calling the loopback simulator directly vs. the same ' +
  'SDK calling `startGateway` (virtual key, router, the router’s openai adapter, then the same simulator), ' +
  'interleaved in one run (A, B, A, B …), each call timed until its I/O clean-up has run. Everything runs in ' +
  'one process, so the gateway’s work is added serially to the client’s (a conservative measure: a real ' +
  'gateway has its own process and core). With and without `/metrics` (the OpenTelemetry meter records ' +
  'each request). Then requests/s through the gateway with 32 clients at once, and the same clients on the ' +
  'simulator directly for scale. Packages load from their builds.';

export async function run(): Promise<BenchRow[]> {
  return rowsFromBuild('gateway-measure.ts');
}
