import type { BenchRow } from './bench-module.js';
import { rowsFromBuild } from './from-build.js';

export const name = 'gateway';
export const description =
  'Latency the gateway adds, as a user runs it: `spillway serve --config gateway.json` (the built CLI under ' +
  'plain `node`, one virtual key, access log on) in its own process over the loopback simulator, against the ' +
  'same official openai SDK client calling the simulator directly, and against a pass-through server ' +
  '(node:http + one openai SDK call per request, no router: the floor of any SDK-based hop). The three are ' +
  'interleaved (A, B, C, A, B, C …) after 3 000 warm-up rounds, each call timed until its I/O clean-up has ' +
  'run, keep-alive on every connection. CPU per request is read from each server process (/proc, Linux), and ' +
  'for the direct call from the bench process (SDK client + simulator). Then requests/s with 32 clients. The ' +
  'machine is shared: the first row is its load average.';

export async function run(): Promise<BenchRow[]> {
  return rowsFromBuild('gateway-measure.ts');
}
