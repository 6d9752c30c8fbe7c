import { abortReason, StreamInterruptedError } from '../errors.js';
import type { FailureClass } from '../failure.js';
import type { ChatResult } from '../types.js';
import { runAttempts } from './attempt-loop.js';
import { costOf, type RequestRun } from './request-run.js';
import { StreamContext, streamAttempt } from './stream-attempt.js';
import { addUsage, isContent } from './stream-delivered.js';
import { StreamPiece } from './stream-piece.js';
import type { RouterStreamEvent } from './stream-types.js';

// Sent after the partial answer when `onInterrupt: 'continue'` asks another model to finish it.
const CONTINUE_PROMPT =
  'Your previous reply was cut off. Continue it exactly where it stopped, without repeating anything already written.';

/** How the stream's result settles: `settle` with the answer, `fail` with the error it ends with. */
export type StreamEnd = {
  settle(result: ChatResult): void;
  fail(error: unknown): void;
  /** The iteration ended (finished, failed or closed by the reader); fails the result unless settled. */
  ended(): void;
};

/**
 * The events of one router stream: the attempt loop finds a candidate whose content began, then this
 * relays it. After content, a cut, stall or in-band error ends the stream with StreamInterruptedError
 * (DESIGN §4), or with `onInterrupt: 'continue'` runs the loop again for a continuation. Settles the
 * result (via `end.settle`) before yielding `finish`, so a caller that stops at `finish` still gets it.
 *
 * One generator, no `yield*` into helpers: every async generator layer costs each event a few
 * microtask turns, and four layers (guard, error mapping, pieces, relay) put ~20 µs on the first token
 * (decision 1712).
 */
export async function* deliver(run: RequestRun, end: StreamEnd): AsyncGenerator<RouterStreamEvent, void> {
  const context = new StreamContext(run);
  const { delivered } = context;
  try {
    try {
      for (;;) {
        const start = await runAttempts(run, streamAttempt, context);
        if (context.pending.length > 0) {
          const pending = context.pending;
          context.pending = [];
          for (const event of pending) yield event;
        }
        if (!(start instanceof StreamPiece)) {
          yield finishOf(start, end);
          return;
        }
        const piece = start;
        let result: ChatResult | undefined;
        try {
          let event = piece.first;
          if (event) {
            piece.began();
            const { provider, model } = piece.turn.candidate;
            if (!delivered.any && run.state.hub.has('first-token'))
              run.state.hub.emit('first-token', {
                requestId: run.id,
                provider,
                model,
                ttftMs: run.now - run.startedAt,
              });
            delivered.any = true;
            yield { type: 'start', provider, model };
            throwIfAborted(run);
            // Relays the piece from its first content event until its finish event.
            for (;;) {
              if (event === undefined) event = await piece.next();
              if (event.type === 'finish') {
                piece.finishReason = event.finishReason;
                piece.usage = event.usage ?? piece.usage;
                piece.completed();
                break;
              }
              if (event.type === 'usage') {
                piece.usage = event.usage;
                yield event;
              } else if (isContent(event)) {
                delivered.take(event);
                if (event.type === 'text-delta') piece.text += event.text;
                yield event;
                throwIfAborted(run);
              }
              event = undefined;
            }
          }
          result = complete(context, piece);
        } catch (error) {
          const usage = context.usageOf(piece);
          const recorded = run.record(piece.turn, error, usage);
          const cause = recorded.deadline ? run.deadlineError() : error;
          if (run.request.onInterrupt !== 'continue' || recorded.deadline || delivered.partialCalls.size > 0)
            throw context.interrupted(recorded.failure, cause);
          // The broken piece's tokens and cost are part of the answer's (issue 14, defect 9).
          delivered.usage = addUsage(delivered.usage, usage);
          delivered.costUsd += costOf(piece.turn.candidate, usage);
          context.messages = [
            ...run.request.messages,
            { role: 'assistant', content: delivered.text },
            { role: 'user', content: CONTINUE_PROMPT },
          ];
        } finally {
          piece.close();
          run.abandon(piece.turn);
        }
        if (result) {
          yield finishOf(result, end);
          return;
        }
      }
    } catch (error) {
      // Once content reached the caller, every ending but an abort is an interruption with the partial answer.
      if (
        !delivered.any ||
        StreamInterruptedError.isInstance(error) ||
        run.request.signal?.aborted ||
        run.state.closed
      )
        throw error;
      throw context.interrupted(run.attempts.at(-1)?.outcome as FailureClass, error);
    }
  } catch (error) {
    end.fail(error);
    throw error;
  } finally {
    end.ended();
  }
}

/** The piece finished: record the success; the result covers every piece of the answer. */
function complete(context: StreamContext, piece: StreamPiece): ChatResult {
  const { delivered, run } = context;
  const usage = context.usageOf(piece);
  const output = {
    text: delivered.text,
    toolCalls: delivered.toolCalls,
    finishReason: piece.finishReason ?? 'other',
    usage,
    requestId: piece.requestId,
  };
  const result = run.succeed(piece.turn, output, piece.rateLimit);
  result.usage = addUsage(delivered.usage, usage);
  result.costUsd += delivered.costUsd;
  return result;
}

function finishOf(result: ChatResult, end: StreamEnd): RouterStreamEvent {
  end.settle(result);
  const { finishReason, usage, costUsd, provider, model } = result;
  return { type: 'finish', finishReason, usage, costUsd, provider, model };
}

/** After the caller aborts, not one more event: the next pull ends the stream with the reason. */
function throwIfAborted(run: RequestRun): void {
  const signal = run.request.signal;
  if (signal?.aborted) throw abortReason(signal);
}
