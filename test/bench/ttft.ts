import type { BenchRow } from './bench-module.js';
import { rowsFromBuild } from './from-build.js';

export const name = 'ttft';
export const description =
  'Time to first token of a streamed chat call: the official openai SDK alone (first chunk with text) vs. ' +
  'router.stream over the same SDK (first text-delta event), against a loopback simulator that streams at ' +
  'once, the two sides interleaved, each call followed by one setImmediate so it pays its own I/O clean-up. ' +
  "The router runs from its build (dist), after 3,000 warm-up calls per side. Its adapter reads the SDK's raw " +
  'response with its own server-sent-events reader (decision 2250).';

export async function run(): Promise<BenchRow[]> {
  return rowsFromBuild('ttft-measure.ts');
}
