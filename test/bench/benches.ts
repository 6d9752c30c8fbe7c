import type { BenchModule } from './bench-module.js';

/** Every benchmark, in the order `pnpm bench` runs them. Add one line per bench module. */
export const benches: Array<() => Promise<BenchModule>> = [
  () => import('./overhead.js'),
  () => import('./ttft.js'),
  () => import('./goodput.js'),
  () => import('./router-overhead-module.js'),
  () => import('./redis-admission.bench.js'),
  () => import('./admission.js'),
  () => import('./bottleneck.js'),
  () => import('./otel-overhead.js'),
  () => import('./wait-queue.js'),
  () => import('./cache.js'),
  () => import('./gateway.js'),
  () => import('./realtime.js'),
  () => import('./hedge.js'),
  () => import('./routing-scale.js'),
];
