import type { Clock } from '../clock.js';
import { abortReason } from '../errors.js';

/** The reason an attempt's signal carries when the request's deadline passed. */
export const DEADLINE = Symbol('llm-router.deadline');

/**
 * An AbortController for one adapter call, aborted by the caller's signal (with its reason) or by the
 * request's deadline. `dispose` unhooks both; without a caller signal or deadline it costs nothing more
 * than the controller.
 */
export class AttemptSignal {
  readonly controller = new AbortController();
  #caller: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  #timer: unknown;
  #clock: Clock;

  constructor(clock: Clock, caller: AbortSignal | undefined, deadline: number) {
    this.#clock = clock;
    if (caller) {
      this.#caller = caller;
      this.#onAbort = () => this.controller.abort(abortReason(caller));
      caller.addEventListener('abort', this.#onAbort, { once: true });
    }
    if (deadline !== Infinity)
      this.#timer = clock.setTimeout(
        () => this.controller.abort(DEADLINE),
        Math.max(0, deadline - clock.now()),
      );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get deadlinePassed(): boolean {
    return this.controller.signal.aborted && this.controller.signal.reason === DEADLINE;
  }

  dispose(): void {
    if (this.#onAbort) this.#caller?.removeEventListener('abort', this.#onAbort);
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer as never);
  }
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts (an adapter may ignore it). */
export function raceSignal<T>(start: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => signal.removeEventListener('abort', onAbort);
    let promise: Promise<T>;
    try {
      promise = start();
    } catch (error) {
      done();
      reject(error);
      return;
    }
    Promise.resolve(promise).then(
      (value) => {
        done();
        resolve(value);
      },
      (error) => {
        done();
        reject(error);
      },
    );
  });
}

/** Waits `ms` on the clock; rejects with the signal's reason if it aborts first. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
