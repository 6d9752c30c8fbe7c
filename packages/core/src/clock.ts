/** Time source for everything in the router that waits or measures. Tests inject a fake one. */
export interface Clock {
  /** Milliseconds, monotonic within the process for the system clock. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = { readonly __timer?: never } | object | number;

/** Returns a float in [0, 1). Tests inject a seeded one. */
export type RandomSource = () => number;

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export const systemRandom: RandomSource = Math.random;

/** A small fast seeded generator (mulberry32) for reproducible jitter and simulations. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
