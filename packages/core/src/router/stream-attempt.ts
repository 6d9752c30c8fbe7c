import { ProviderError, StreamInterruptedError } from '../errors.js';
import type { FailureClass } from '../failure.js';
import type { ChatResult, Message, Usage } from '../types.js';
import type { AttemptKind } from './attempt-loop.js';
import { hedgeLost, type RequestRun } from './request-run.js';
import { Delivered, isContent } from './stream-delivered.js';
import { StreamPiece } from './stream-piece.js';
import type { RouterStreamEvent } from './stream-types.js';
import type { Turn } from './turn.js';

/** What one router stream carries across its attempts and pieces. */
export class StreamContext {
  readonly run: RequestRun;
  readonly delivered = new Delivered();
  readonly firstTokenMs: number;
  readonly stallMs: number;
  /** What the next attempt sends: the request's messages, or those plus a continuation prompt. */
  messages: Message[];
  /** Events that arrived before content (fallbacks, usage), relayed in order once the loop returns. */
  pending: RouterStreamEvent[] = [];

  constructor(run: RequestRun) {
    this.run = run;
    const { options } = run.state;
    this.messages = run.request.messages;
    this.firstTokenMs = run.request.timeToFirstTokenMs ?? options.timeToFirstTokenMs;
    this.stallMs = run.request.stallTimeoutMs ?? options.stallTimeoutMs;
  }

  /** What a piece used: its reported usage, else estimated from the prompt and the text it delivered. */
  usageOf(piece: StreamPiece): Usage {
    if (piece.usage) return piece.usage;
    const estimated = this.run.ranking.estimatedInputTokens;
    const inputTokens =
      this.messages === this.run.request.messages
        ? estimated
        : estimated + Math.ceil(this.delivered.text.length / 4) + 40;
    const outputTokens = Math.ceil(piece.text.length / 4);
    return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  }

  interrupted(failure: FailureClass, cause: unknown): StreamInterruptedError {
    const { delivered, run } = this;
    const last = run.attempts.at(-1);
    return new StreamInterruptedError(
      `Stream from ${last?.provider}/${last?.model} broke (${failure}) after ${delivered.text.length} characters of content; the partial answer is in partialText`,
      {
        partialText: delivered.text,
        partialToolCalls: [...delivered.toolCalls, ...delivered.unfinishedCalls()],
        attempts: [...run.attempts],
        failure,
        cause,
      },
    );
  }
}

/** What a stream attempt ends with: a piece whose content began (or that finished), or a refusal. */
export type StreamStart = StreamPiece | ChatResult;

/**
 * Opens the candidate's stream and reads it until its first content event (or its finish). Events
 * before content wait in `context.pending`; nothing reaches the caller until content is certain, so
 * every failure up to here falls back like chat().
 */
async function attempt(run: RequestRun, turn: Turn, context: StreamContext): Promise<StreamPiece> {
  const piece = new StreamPiece(run, turn, context.firstTokenMs, context.stallMs);
  const { fallback } = turn;
  // This attempt's own events until it claims the request (a hedged race runs two at once).
  const pending: RouterStreamEvent[] = [];
  if (fallback)
    pending.push({
      type: 'fallback',
      from: fallback.from,
      to: fallback.to,
      failure: fallback.failure,
    });
  try {
    await piece.open(context.messages);
    for (;;) {
      const event = await piece.next();
      if (event.type === 'finish') {
        if (
          event.finishReason === 'content-filter' &&
          !context.delivered.any &&
          run.request.fallbackOnContentFilter
        ) {
          const { provider, model } = turn.candidate;
          throw new ProviderError('the model refused (content filter)', {
            failure: 'content_filter',
            provider,
            model,
          });
        }
        piece.finishReason = event.finishReason;
        piece.usage = event.usage ?? piece.usage;
        piece.completed();
        return claimed(run, piece, pending, context);
      }
      if (event.type === 'usage') {
        piece.usage = event.usage;
        pending.push(event);
      } else if (isContent(event)) {
        piece.first = event;
        return claimed(run, piece, pending, context);
      }
    }
  } catch (error) {
    piece.close();
    // A failed attempt's fallback stays in the story the caller reads; a race's loser's does not.
    if (!run.won) context.pending.push(...pending);
    throw error;
  }
}

/** The piece produced: it claims the request (or lost a hedged race) and its events join the stream's. */
function claimed(run: RequestRun, piece: StreamPiece, pending: RouterStreamEvent[], context: StreamContext) {
  if (!run.claim(piece.turn)) throw hedgeLost();
  for (const event of pending) context.pending.push(event);
  return piece;
}

function refused(result: ChatResult, context: StreamContext): StreamStart {
  // A continuation refused before its own content: the answer so far is all there is.
  if (context.delivered.any) throw context.interrupted('content_filter', undefined);
  return result;
}

/** stream(): one `doStream` per attempt, successful once its first content event is in. */
export const streamAttempt: AttemptKind<StreamContext, StreamStart> = {
  abortable: true,
  attempt,
  refused,
};
