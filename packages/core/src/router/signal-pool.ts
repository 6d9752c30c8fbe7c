import { setMaxListeners } from 'node:events';

// The official SDKs add an abort listener to the signal of every call and never remove it: a signal
// serves at most this many calls, so its listener list stays short. Adding a listener walks the list,
// and before a stream's request is sent that walk showed: 64 uses cost 2–8 µs of the first token over
// 8 uses, and a fresh signal per call 4–6 µs more than 64 (decision 2230).
const USES_PER_SIGNAL = 8;
// After a burst of concurrent attempts, keep at most this many idle controllers.
const MAX_IDLE = 64;

/** A controller lent to one attempt at a time; `uses` counts the attempts it has served. */
export type PooledController = {
  readonly controller: AbortController;
  readonly signal: AbortSignal;
  uses: number;
};

/**
 * Per-attempt abort signals, reused. Creating an AbortSignal costs 5–10 µs on Node 20 (most of a
 * stream's routing work; decision 1712), so an attempt whose signal was never aborted hands it back
 * and the next attempt gets it. A signal is lent to one attempt at a time, so aborting one attempt
 * (a stream watchdog, a deadline, the caller) never touches another; an aborted one is dropped.
 */
export class SignalPool {
  readonly #idle: PooledController[] = [];

  take(): PooledController {
    const pooled = this.#idle.pop() ?? fresh();
    pooled.uses++;
    return pooled;
  }

  /** The attempt is over and nothing will abort this controller for it any more. */
  release(pooled: PooledController): void {
    if (pooled.signal.aborted || pooled.uses >= USES_PER_SIGNAL || this.#idle.length >= MAX_IDLE) return;
    this.#idle.push(pooled);
  }
}

function fresh(): PooledController {
  const controller = new AbortController();
  const { signal } = controller;
  // Up to USES_PER_SIGNAL SDK listeners on purpose: not a leak.
  setMaxListeners(0, signal);
  return { controller, signal, uses: 0 };
}
