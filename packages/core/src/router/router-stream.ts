import { abortReason } from '../errors.js';
import type { ChatResult } from '../types.js';
import type { RequestRun } from './request-run.js';
import { ResultPromise } from './result-promise.js';
import { deliver, type StreamEnd } from './stream-delivery.js';
import { drainInBackground, iteratedTwice } from './stream-once.js';
import { closedError } from './stream-piece.js';
import type { RouterStream, RouterStreamEvent } from './stream-types.js';

/** Wraps a run as a RouterStream: iterate once; `result` settles with the stream. */
export function createStream(
  run: RequestRun,
  onEnd: (result: ChatResult | undefined, error?: unknown) => void,
): RouterStream {
  let settled = false;
  let generator: AsyncGenerator<RouterStreamEvent, void> | undefined;
  let iterated = false;
  let draining = false;
  // The result promise is made when `result` is first read: most readers only iterate, and a Promise
  // subclass with its handler costs a few microseconds before the first token (decision 2230).
  let result: ReturnType<typeof ResultPromise.create<ChatResult>> | undefined;
  let outcome: { value: ChatResult } | { error: unknown } | undefined;
  const settle = (value: ChatResult) => {
    if (settled) return;
    settled = true;
    outcome = { value };
    result?.resolve(value);
    onEnd(value);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    outcome = { error };
    result?.reject(error);
    onEnd(undefined, error);
  };

  const end: StreamEnd = {
    settle,
    fail,
    ended() {
      // Built only when it is needed: an Error captures a stack trace, dear for every stream.
      if (settled) return;
      const caller = run.request.signal;
      fail(caller?.aborted ? abortReason(caller) : closedError('The stream was closed before it finished'));
    },
  };

  const getGenerator = () => {
    generator ??= deliver(run, end);
    return generator;
  };

  function drain(): void {
    if (draining) return;
    draining = true;
    iterated = true;
    drainInBackground(getGenerator());
  }

  return {
    get result() {
      if (!result) {
        result = ResultPromise.create<ChatResult>(() => {
          // Awaiting the result of a stream nobody iterates consumes it; once the caller iterates, the
          // result settles as they read (we never take events from under them).
          if (!settled && !iterated) drain();
        });
        if (outcome && 'value' in outcome) result.resolve(outcome.value);
        else if (outcome) result.reject(outcome.error);
      }
      return result.promise;
    },
    [Symbol.asyncIterator]() {
      if (iterated) throw iteratedTwice();
      iterated = true;
      return getGenerator();
    },
  };
}
