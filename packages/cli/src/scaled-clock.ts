import type { Clock } from '@spillway/core';

/**
 * A clock that runs `factor` times faster than real time. The demo, `batch --simulate` and the
 * benchmarks give it to both the router and the simulated providers, so per-minute limits play out
 * in seconds while every component still agrees on what time it is.
 */
export function scaledClock(factor: number): Clock {
  if (!(factor > 0)) throw new RangeError(`time scale must be positive, got ${factor}`);
  const origin = Date.now();
  const start = performance.now();
  return {
    now: () => origin + (performance.now() - start) * factor,
    setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms) / factor),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}
