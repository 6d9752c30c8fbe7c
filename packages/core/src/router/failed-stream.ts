import type { ChatResult } from '../types.js';
import { ResultPromise } from './result-promise.js';
import type { RouterStream } from './stream-types.js';

/**
 * A stream that never started (an invalid request, a closed router): iterating it and awaiting its
 * result both reject with `error`, so callers handle it where they handle every other stream failure.
 */
export function failedStream(error: unknown): RouterStream {
  const { promise, reject } = ResultPromise.create<ChatResult>(() => {});
  reject(error);
  return {
    result: promise,
    // biome-ignore lint/correctness/useYield: it yields nothing; its first next() rejects.
    async *[Symbol.asyncIterator]() {
      throw error;
    },
  };
}
