import { ResultPromise } from '../router/result-promise.js';
import { iteratedTwice } from '../router/stream-once.js';
import type { RouterStream, RouterStreamEvent } from '../router/stream-types.js';
import type { ChatResult } from '../types.js';

/**
 * A RouterStream whose source is decided on the first pull (after a cache lookup that may be
 * asynchronous), so like any router stream it does nothing until it is iterated or its result awaited.
 */
export function lazyStream(open: () => Promise<RouterStream>): RouterStream {
  let source: Promise<RouterStream> | undefined;
  const get = () => {
    source ??= open();
    return source;
  };
  let iterated = false;
  let linked = false;
  const { promise, resolve, reject } = ResultPromise.create<ChatResult>(() => {
    if (iterated) return;
    // Awaiting the result of a stream nobody iterates consumes it (observing the inner result drains it).
    iterated = true;
    get().then(link, reject);
  });
  function link(inner: RouterStream): void {
    if (linked) return;
    linked = true;
    inner.result.then(resolve, reject);
  }

  async function* read(): AsyncGenerator<RouterStreamEvent, void> {
    let inner: RouterStream;
    try {
      inner = await get();
    } catch (error) {
      reject(error);
      throw error;
    }
    const iterator = inner[Symbol.asyncIterator]();
    link(inner);
    yield* { [Symbol.asyncIterator]: () => iterator };
  }

  return {
    result: promise,
    [Symbol.asyncIterator]() {
      if (iterated) throw iteratedTwice();
      iterated = true;
      return read();
    },
  };
}
