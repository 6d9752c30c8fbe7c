import type { RequestRun } from '../router/request-run.js';
import type { RouterStreamEvent } from '../router/stream-types.js';
import type { ChatResult } from '../types.js';

/** Events read so far and how the source ended; what a cache stream reads (a flight, or a replay). */
export interface Feed {
  readonly events: readonly RouterStreamEvent[];
  readonly ended: boolean;
  readonly failed: boolean;
  readonly error: unknown;
  /** Resolves when an event arrives or the feed ends. */
  changed(): Promise<void>;
}

/**
 * One provider call shared by identical requests in flight (coalescing). It runs on its own signal,
 * so one waiter's abort or deadline leaves the others served; it is aborted only when every waiter
 * has left. A stream flight keeps the events it has relayed, so a waiter that joins late replays them.
 */
export class Flight implements Feed {
  readonly run: RequestRun;
  readonly events: RouterStreamEvent[] = [];
  readonly done: Promise<ChatResult>;
  ended = false;
  failed = false;
  error: unknown;
  result: ChatResult | undefined;
  readonly #controller: AbortController;
  #waiters = 0;
  #resolve!: (result: ChatResult) => void;
  #reject!: (error: unknown) => void;
  #wake: (() => void) | undefined;
  #changed: Promise<void> | undefined;

  constructor(run: RequestRun, controller: AbortController) {
    this.run = run;
    this.#controller = controller;
    this.done = new Promise<ChatResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Waiters observe the failure; a flight every waiter left must not report an unhandled one.
    this.done.catch(() => {});
  }

  push(event: RouterStreamEvent): void {
    this.events.push(event);
    this.#notify();
  }

  succeed(result: ChatResult): void {
    if (this.ended) return;
    this.ended = true;
    this.result = result;
    this.#resolve(result);
    this.#notify();
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failed = true;
    this.error = error;
    this.#reject(error);
    this.#notify();
  }

  changed(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.#changed ??= new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    return this.#changed;
  }

  join(): void {
    this.#waiters++;
  }

  /** A waiter is done (answered, failed, aborted, past its deadline); the last one out ends the call. */
  leave(reason: unknown): void {
    this.#waiters--;
    if (this.#waiters === 0 && !this.ended) this.#controller.abort(reason);
  }

  get waiters(): number {
    return this.#waiters;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    this.#changed = undefined;
    wake?.();
  }
}

/** A feed that already holds every event (a cache hit replayed as a stream). */
export function replayFeed(events: RouterStreamEvent[]): Feed {
  return { events, ended: true, failed: false, error: undefined, changed: () => Promise.resolve() };
}
