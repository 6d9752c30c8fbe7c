import { abortReason, ProviderError, StreamInterruptedError } from '../errors.js';
import type { FailureClass } from '../failure.js';
import type { AdapterStreamEvent } from '../spec.js';
import type { ChatResult, FinishReason, Message, RateLimitSnapshot, Usage } from '../types.js';
import { failBeforeContent, recordFailure, recordSuccess } from './attempt-outcome.js';
import { isPromise, type RequestRun } from './request-run.js';
import { ResultPromise } from './result-promise.js';
import { addUsage, Delivered, isContent } from './stream-delivered.js';
import type { RouterStream, RouterStreamEvent } from './stream-types.js';
import { Watchdog } from './watchdog.js';

// Sent after the partial answer when `onInterrupt: 'continue'` asks another model to finish it.
const CONTINUE_PROMPT =
  'Your previous reply was cut off. Continue it exactly where it stopped, without repeating anything already written.';

function interrupted(
  run: RequestRun,
  delivered: Delivered,
  failure: FailureClass,
  cause: unknown,
): StreamInterruptedError {
  const last = run.attempts.at(-1);
  return new StreamInterruptedError(
    `Stream from ${last?.provider}/${last?.model} broke (${failure}) after ${delivered.text.length} characters of content; the partial answer is in partialText`,
    {
      partialText: delivered.text,
      partialToolCalls: [...delivered.toolCalls, ...delivered.unfinishedCalls()],
      attempts: run.attempts,
      failure,
      cause,
    },
  );
}

/**
 * Tries candidates like chat() until one streams content; then relays its events. Settles the
 * result (via `settle`) before yielding `finish`, so a caller that stops at `finish` still gets it.
 */
async function* relay(
  run: RequestRun,
  settle: (result: ChatResult) => void,
): AsyncGenerator<RouterStreamEvent, void> {
  const delivered = new Delivered();
  try {
    yield* attemptLoop(run, delivered, settle);
  } catch (error) {
    // Once content reached the caller, every ending but an abort is an interruption with the partial answer.
    if (!delivered.any || StreamInterruptedError.isInstance(error) || run.request.signal?.aborted)
      throw error;
    throw interrupted(run, delivered, run.attempts.at(-1)?.outcome as FailureClass, error);
  }
}

async function* attemptLoop(
  run: RequestRun,
  delivered: Delivered,
  settle: (result: ChatResult) => void,
): AsyncGenerator<RouterStreamEvent, void> {
  const { clock } = run.state.options;
  const ttftMs = run.request.timeToFirstTokenMs ?? run.state.options.timeToFirstTokenMs;
  const stallMs = run.request.stallTimeoutMs ?? run.state.options.stallTimeoutMs;
  let messages: Message[] = run.request.messages;
  for (;;) {
    const picked = run.pick();
    const pick = isPromise(picked) ? await picked : picked;
    const { candidate } = pick;
    const signal = run.begin(candidate, true);
    const fallback = run.fallback;
    let startedAt = run.now;
    let piece = false; // this attempt has delivered content
    let pieceText = '';
    let iterator: AsyncIterator<AdapterStreamEvent> | undefined;
    let completed = false;
    const watchdog = new Watchdog(clock, () => {
      const failure = piece ? 'stall' : 'timeout';
      const message = piece ? `no chunk for ${stallMs} ms` : `no content within ${ttftMs} ms`;
      signal.abort(
        new ProviderError(message, { failure, provider: candidate.provider, model: candidate.model }),
      );
    });
    try {
      if (fallback) {
        yield { type: 'fallback', from: fallback.from, to: fallback.to, failure: fallback.failure };
        startedAt = run.now;
      }
      watchdog.expect(startedAt + ttftMs);
      const call = run.adapterCall(candidate, signal.signal, messages);
      const opened = await signal.race(() => candidate.adapter.doStream(call));
      run.state.gate.opened?.(candidate, run.now);
      const rateLimit: RateLimitSnapshot | undefined = opened.rateLimit;
      iterator = opened.events[Symbol.asyncIterator]();
      const source = iterator;
      let finishReason: FinishReason | undefined;
      let usage: Usage | undefined;
      while (finishReason === undefined) {
        if (piece) watchdog.expect(run.now + stallMs);
        const next = await signal.race(() => source.next());
        if (piece) watchdog.rest();
        if (next.done)
          throw new ProviderError('the stream ended without its finish event', {
            failure: 'stream_cut',
            provider: candidate.provider,
            model: candidate.model,
          });
        const event = next.value;
        if (event.type === 'finish') {
          if (
            event.finishReason === 'content-filter' &&
            !delivered.any &&
            run.request.fallbackOnContentFilter
          )
            throw new ProviderError('the model refused (content filter)', {
              failure: 'content_filter',
              provider: candidate.provider,
              model: candidate.model,
            });
          finishReason = event.finishReason;
          usage = event.usage ?? usage;
        } else if (event.type === 'usage') {
          usage = event.usage;
          yield event;
        } else if (isContent(event)) {
          if (!piece) {
            piece = true;
            if (!delivered.any && run.state.hub.has('first-token'))
              run.state.hub.emit('first-token', {
                requestId: run.id,
                provider: candidate.provider,
                model: candidate.model,
                ttftMs: run.now - run.startedAt,
              });
            delivered.any = true;
            watchdog.rest();
            yield { type: 'start', provider: candidate.provider, model: candidate.model };
            throwIfAborted(run);
          }
          delivered.take(event);
          if (event.type === 'text-delta') pieceText += event.text;
          yield event;
          throwIfAborted(run);
        }
      }
      completed = true;
      const pieceUsage = usage ?? estimateUsage(run, messages, pieceText);
      const result = recordSuccess(
        run,
        pick,
        startedAt,
        {
          text: delivered.text,
          toolCalls: delivered.toolCalls,
          finishReason,
          usage: pieceUsage,
          requestId: opened.requestId,
        },
        rateLimit,
      );
      result.usage = addUsage(delivered.usage, pieceUsage);
      result.costUsd += delivered.costUsd;
      settle(result);
      const { provider, model, costUsd } = result;
      yield { type: 'finish', finishReason, usage: result.usage, costUsd, provider, model };
      return;
    } catch (error) {
      if (!piece) {
        if (!delivered.any) {
          const decision = failBeforeContent(run, pick, signal, startedAt, error);
          if (!decision.next) {
            settle(decision.result);
            const { finishReason, usage, costUsd, provider, model } = decision.result;
            yield { type: 'finish', finishReason, usage, costUsd, provider, model };
            return;
          }
          continue;
        }
        // A continuation that failed before its own content: the next candidate may continue instead.
        if (!failBeforeContent(run, pick, signal, startedAt, error).next)
          throw interrupted(run, delivered, 'content_filter', error);
        continue;
      }
      const pieceUsage = estimateUsage(run, messages, pieceText);
      const recorded = recordFailure(run, pick, signal, startedAt, error, pieceUsage);
      const cause = recorded.deadline ? run.deadlineError() : error;
      if (run.request.onInterrupt === 'continue' && !recorded.deadline && delivered.partialCalls.size === 0) {
        delivered.usage = addUsage(delivered.usage, pieceUsage);
        messages = [
          ...run.request.messages,
          { role: 'assistant', content: delivered.text },
          { role: 'user', content: CONTINUE_PROMPT },
        ];
        continue;
      }
      throw interrupted(run, delivered, recorded.failure, cause);
    } finally {
      watchdog.dispose();
      signal.dispose();
      if (!completed) signal.abort(closedError());
      if (iterator) closeUpstream(iterator);
    }
  }
}

/** After the caller aborts, not one more event: the next pull ends the stream with the reason. */
function throwIfAborted(run: RequestRun): void {
  const signal = run.request.signal;
  if (signal?.aborted) throw abortReason(signal);
}

function closedError(message = 'The router closed the stream'): Error {
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

/** Lets the adapter's iterator clean up (the HTTP request is already aborted unless it finished). */
function closeUpstream(iterator: AsyncIterator<unknown>): void {
  try {
    const returned = iterator.return?.();
    if (returned) Promise.resolve(returned).catch(() => {});
  } catch {
    // The adapter's iterator is done with or without us.
  }
}

function estimateUsage(run: RequestRun, messages: Message[], text: string): Usage {
  const inputTokens =
    messages === run.request.messages
      ? run.ranking.estimatedInputTokens
      : run.ranking.estimatedInputTokens + Math.ceil(text.length / 4) + 40;
  const outputTokens = Math.ceil(text.length / 4);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

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

  async function* guarded(): AsyncGenerator<RouterStreamEvent, void> {
    try {
      yield* relay(run, settle);
    } catch (error) {
      fail(error);
      throw error;
    } finally {
      const caller = run.request.signal;
      if (caller?.aborted) fail(abortReason(caller));
      else fail(closedError('The stream was closed before it finished'));
    }
  }

  const getGenerator = () => {
    generator ??= guarded();
    return generator;
  };

  function drain(): void {
    if (draining) return;
    draining = true;
    iterated = true;
    const source = getGenerator();
    void (async () => {
      try {
        while (!(await source.next()).done);
      } catch {
        // The error is the result's rejection.
      }
    })();
  }

  return {
    result: promise,
    [Symbol.asyncIterator]() {
      if (iterated)
        throw new TypeError(
          'a router stream can be iterated only once (awaiting its result before iterating consumes it)',
        );
      iterated = true;
      return getGenerator();
    },
  };
}
