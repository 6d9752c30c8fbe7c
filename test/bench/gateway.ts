import type { BenchRow } from './bench-module.js';
import { rowsFromBuild } from './from-build.js';

export const name = 'gateway';
export const description =
  'Latency the gateway adds: the official openai SDK calling the loopback simulator directly vs. the same ' +
  'SDK and the same simulator through the gateway (virtual key, router, the router’s openai adapter), ' +
  'interleaved (A, B, A, B …), each call timed until its I/O clean-up has run. Two layouts: the gateway in its ' +
  'own process as in production (its CPU time per request read from that process), and the gateway in the ' +
  'bench process with the client and the simulator (its work then adds serially to theirs on one event loop), ' +
  'with and without `/metrics`. Then requests/s with 32 clients: direct, through the gateway process, through ' +
  'the in-process gateway. The machine is shared: the first row is its load average. Packages load from ' +
  'their builds.';

export async function run(): Promise<BenchRow[]> {
  return rowsFromBuild('gateway-measure.ts');
}
