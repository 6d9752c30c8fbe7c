import { setMaxListeners } from 'node:events';
import { SignalPool } from './signal-pool.js';

// The official SDKs add an abort listener to the signal of every call and never remove it, and adding
// one walks the signal's list: a signal shared by every call would grow without end. So each signal
// serves this many calls, then the next call gets a fresh one; a used-up signal is dropped (and
// collected with its listeners) once its last call has ended.
const CALLS_PER_SIGNAL = 64;

/** One shared signal: how many calls it was handed to, and how many of them are still in flight. */
export type CloseSignal = { readonly signal: AbortSignal; issued: number; open: number };

/**
 * Signals for the calls nothing else can abort (no caller signal, no deadline, not a stream), so that
 * router.close() still closes their connections. One AbortController per call would cost about 5 µs
 * of a ~20 µs routing decision (decision 0802); one per CALLS_PER_SIGNAL calls costs a counter.
 */
export class CloseSignals {
  /** The per-attempt signals of calls that can be aborted on their own (streams, caller signals, deadlines). */
  readonly pool = new SignalPool();
  #current: CloseSignal | undefined;
  readonly #controllers = new Map<CloseSignal, AbortController>();

  /** The signal for one call; hand it back with `release` when the call has ended. */
  take(): CloseSignal {
    let current = this.#current;
    if (current === undefined || current.issued >= CALLS_PER_SIGNAL) {
      if (current !== undefined && current.open === 0) this.#controllers.delete(current);
      const controller = new AbortController();
      // Up to CALLS_PER_SIGNAL SDK listeners on purpose: not a leak.
      setMaxListeners(0, controller.signal);
      current = { signal: controller.signal, issued: 0, open: 0 };
      this.#controllers.set(current, controller);
      this.#current = current;
    }
    current.issued++;
    current.open++;
    return current;
  }

  release(used: CloseSignal): void {
    used.open--;
    if (used.open === 0 && used !== this.#current) this.#controllers.delete(used);
  }

  /** Aborts every call still holding one of these signals (router.close()). */
  abortAll(reason: unknown): void {
    for (const controller of this.#controllers.values()) controller.abort(reason);
    this.#controllers.clear();
    this.#current = undefined;
  }
}
