import type { Clock, TimerHandle } from '../clock.js';
import { abortReason } from '../errors.js';

/**
 * Waits for a shared promise on behalf of one request: its own abort rejects with the signal's reason,
 * its own deadline (Infinity: none) with `deadlineError()`. Either leaves the shared work untouched.
 */
export function waitOwn<T>(
  shared: Promise<T>,
  signal: AbortSignal | undefined,
  deadline: number,
  clock: Clock,
  deadlineError: () => unknown,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (deadline !== Infinity && clock.now() >= deadline) return Promise.reject(deadlineError());
  if (signal === undefined && deadline === Infinity) return shared;
  return new Promise<T>((resolve, reject) => {
    let timer: TimerHandle | undefined;
    const cleanup = () => {
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clock.clearTimeout(timer);
    };
    const onAbort = () => {
      cleanup();
      reject(abortReason(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (deadline !== Infinity)
      timer = clock.setTimeout(() => {
        cleanup();
        reject(deadlineError());
      }, deadline - clock.now());
    shared.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
