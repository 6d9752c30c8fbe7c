import type { BenchRow } from './bench-module.js';
import { rowsFromBuild } from './from-build.js';

export const name = 'overhead';
export const description =
  'Latency of one non-streamed chat call, the two sides interleaved in one run (A, B, A, B …) so both see ' +
  'the same machine state. Over HTTP: the official openai SDK alone vs. the router calling the same SDK, ' +
  'each call timed until its I/O clean-up has run (one setImmediate, both sides), ' +
  'against a loopback simulator that answers at once. In memory: the router over an adapter that answers ' +
  'synchronously vs. calling that adapter directly, which isolates the router’s own work. The router runs ' +
  'from its build (dist), as users run it, like the SDK it is compared with.';

export async function run(): Promise<BenchRow[]> {
  return rowsFromBuild('overhead-measure.ts');
}
