// Adapts the router's in-memory hot-path bench (which prints lines) to the bench module contract.
import type { BenchRow } from './bench-module.js';
import { benchRouterOverhead } from './router-overhead.js';

export const name = 'router-hot-path';
export const description =
  'The router around an adapter that answers at once: time per request (router only).';

export async function run(): Promise<BenchRow[]> {
  const lines = await benchRouterOverhead();
  return lines.map((line) => {
    const [label, ...rest] = line.split(':');
    return { case: (label ?? line).trim(), metrics: { 'time per request': rest.join(':').trim() } };
  });
}
