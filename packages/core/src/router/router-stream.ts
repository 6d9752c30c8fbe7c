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
  const { promise, resolve, reject } = ResultPromise.create<ChatResult>(() => {
    // Awaiting the result of a stream nobody iterates consumes it; once the caller iterates, the
    // result settles as they read (we never take events from under them).
    if (!settled && !iterated) drain();
  });
  const settle = (result: ChatResult) => {
    if (settled) return;
    settled = true;
    resolve(result);
    onEnd(result);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    reject(error);
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
    result: promise,
    [Symbol.asyncIterator]() {
      if (iterated) throw iteratedTwice();
      iterated = true;
      return getGenerator();
    },
  };
}
