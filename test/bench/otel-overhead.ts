import type { BenchRow } from './bench-module.js';
import { rowsFromBuild } from './from-build.js';

export const name = 'otel-overhead';
export const description =
  'router.chat (3 providers x 3 models, instant adapter) with and without instrument() on the real ' +
  'OpenTelemetry SDK in memory: one request span, one attempt span, the GenAI and spillway.* metrics. ' +
  'A third variant makes the same SDK calls directly around a bare router call (spans, attributes, the ' +
  'three histogram records): the floor any instrumentation pays. 20 rounds of 1 000 calls each, ' +
  'alternating; p50/p90 per call. The router and @spillway/otel run from their builds (dist), as users ' +
  'run them.';

export async function run(): Promise<BenchRow[]> {
  return rowsFromBuild('otel-overhead-measure.ts');
}
