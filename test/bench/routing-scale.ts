import type { BenchRow } from './bench-module.js';
import { rowsFromBuild } from './from-build.js';

export const name = 'routing-scale';
export const description =
  'The routing decision as the catalog grows: router.chat (validation, ranking, picking, admission, ' +
  'the attempt loop, stats; default resilience gate, memory store) over one `openaiCompatible` ' +
  'provider offering 15, 100 or 500 models of an OpenRouter-like catalog built in the bench (mixed ' +
  'prices, capabilities, windows and features; the request asks minCapability 5), its doGenerate ' +
  'answering at once. Per-percentile difference against calling that doGenerate alone, 10 000 ' +
  'alternating calls after 3 000 to warm up, from the build (dist).';

export async function run(): Promise<BenchRow[]> {
  return rowsFromBuild('routing-scale-measure.ts');
}
