import { abortReason } from '../errors.js';
import type { ChatResult } from '../types.js';
import type { RequestRun } from './request-run.js';
import { ResultPromise } from './result-promise.js';
import { deliver, type StreamEnd } from './stream-delivery.js';
import { drainInBackground, iteratedTwice } from './stream-once.js';
import { closedError } from './stream-piece.js';
import type { RouterStream, RouterStreamEvent } from './stream-types.js';

type Settled = { value: ChatResult } | { error: unknown };

/** Wraps a run as a RouterStream: iterate once; `result` settles with the stream. */
export function createStream(
  run: RequestRun,
  onEnd: (result: ChatResult | undefined, error?: unknown) => void,
): RouterStream {
  return new RunStream(run, onEnd);
}

/**
 * A class, not an object literal: a literal with a getter (`result`) is built on V8's slow path, about
 * 5 µs of a stream's first token between HTTP calls (decision 2250). It is also the stream's
 * `StreamEnd`, so one object carries both.
 */
class RunStream implements RouterStream, StreamEnd {
  readonly #run: RequestRun;
  readonly #onEnd: (result: ChatResult | undefined, error?: unknown) => void;
  #generator: AsyncGenerator<RouterStreamEvent, void> | undefined;
  #iterated = false;
  #draining = false;
  // Made when `result` is first read: most readers only iterate, and a Promise subclass with its
  // handler costs a few microseconds before the first token (decision 2230).
  #result: ReturnType<typeof ResultPromise.create<ChatResult>> | undefined;
  #outcome: Settled | undefined;

  constructor(run: RequestRun, onEnd: (result: ChatResult | undefined, error?: unknown) => void) {
    this.#run = run;
    this.#onEnd = onEnd;
  }

  get result(): Promise<ChatResult> {
    let result = this.#result;
    if (!result) {
      result = ResultPromise.create<ChatResult>(() => {
        // Awaiting the result of a stream nobody iterates consumes it; once the caller iterates, the
        // result settles as they read (we never take events from under them).
        if (!this.#outcome && !this.#iterated) this.#drain();
      });
      this.#result = result;
      const outcome = this.#outcome;
      if (outcome && 'value' in outcome) result.resolve(outcome.value);
      else if (outcome) result.reject(outcome.error);
    }
    return result.promise;
  }

  [Symbol.asyncIterator](): AsyncGenerator<RouterStreamEvent, void> {
    if (this.#iterated) throw iteratedTwice();
    this.#iterated = true;
    return this.#events();
  }

  settle(value: ChatResult): void {
    if (this.#outcome) return;
    this.#outcome = { value };
    this.#result?.resolve(value);
    this.#onEnd(value);
  }

  fail(error: unknown): void {
    if (this.#outcome) return;
    this.#outcome = { error };
    this.#result?.reject(error);
    this.#onEnd(undefined, error);
  }

  ended(): void {
    // Built only when it is needed: an Error captures a stack trace, dear for every stream.
    if (this.#outcome) return;
    const caller = this.#run.request.signal;
    this.fail(
      caller?.aborted ? abortReason(caller) : closedError('The stream was closed before it finished'),
    );
  }

  #events(): AsyncGenerator<RouterStreamEvent, void> {
    this.#generator ??= deliver(this.#run, this);
    return this.#generator;
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    this.#iterated = true;
    drainInBackground(this.#events());
  }
}
