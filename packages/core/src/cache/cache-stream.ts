import type { Clock } from '../clock.js';
import { abortReason } from '../errors.js';
import { ResultPromise } from '../router/result-promise.js';
import { drainInBackground, iteratedTwice } from '../router/stream-once.js';
import { closedError } from '../router/stream-piece.js';
import type { RouterStream, RouterStreamEvent } from '../router/stream-types.js';
import type { ChatResult } from '../types.js';
import type { Feed } from './flight.js';
import { waitOwn } from './own-wait.js';

/** One request reading a feed: its own signal and deadline, and how its result and finish look. */
export type FeedReader = {
  feed: Feed;
  signal: AbortSignal | undefined;
  /** This request's own deadline (Infinity when the feed enforces it already). */
  deadline: number;
  clock: Clock;
  deadlineError(): unknown;
  /** This request's result, once the feed reached its finish event. */
  result(): ChatResult;
  /** Called once with how this request ended. */
  onEnd(result: ChatResult | undefined, error?: unknown): void;
};

/**
 * A RouterStream over a feed (a shared call in flight, or a stored answer): iterate once; `result`
 * settles before `finish` is yielded; awaiting `result` alone reads the feed to its end. Stopping
 * early, aborting or passing the deadline ends only this request's reading.
 */
export function feedStream(reader: FeedReader): RouterStream {
  let settled = false;
  let iterated = false;
  let generator: AsyncGenerator<RouterStreamEvent, void> | undefined;
  const { promise, resolve, reject } = ResultPromise.create<ChatResult>(() => {
    if (!settled && !iterated) drain();
  });
  const settle = (result: ChatResult) => {
    if (settled) return;
    settled = true;
    resolve(result);
    reader.onEnd(result);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    reject(error);
    reader.onEnd(undefined, error);
  };

  async function* read(): AsyncGenerator<RouterStreamEvent, void> {
    const { feed, signal } = reader;
    let index = 0;
    try {
      for (;;) {
        while (index < feed.events.length) {
          if (signal?.aborted) throw abortReason(signal);
          const event = feed.events[index++] as RouterStreamEvent;
          if (event.type !== 'finish') {
            yield event;
            continue;
          }
          const result = reader.result();
          settle(result);
          const { finishReason, usage, costUsd, provider, model } = result;
          yield { type: 'finish', finishReason, usage, costUsd, provider, model };
          return;
        }
        if (feed.failed) throw feed.error;
        await waitOwn(feed.changed(), signal, reader.deadline, reader.clock, reader.deadlineError);
      }
    } catch (error) {
      fail(error);
      throw error;
    } finally {
      if (signal?.aborted) fail(abortReason(signal));
      else fail(closedError('The stream was closed before it finished'));
    }
  }

  const getGenerator = () => {
    generator ??= read();
    return generator;
  };

  function drain(): void {
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
