import type { FailureClass } from '../failure.js';
import type { ChatResult, FinishReason, ToolCall, Usage } from '../types.js';

type Target = { provider: string; model: string };

/** What iterating `router.stream(request)` yields. */
export type RouterStreamEvent =
  /** The candidate whose content follows (before its first content event). */
  | { type: 'start'; provider: string; model: string }
  /** The router moved to another candidate before content (or, with onInterrupt 'continue', after a break). */
  | { type: 'fallback'; from: Target; to: Target; failure: FailureClass }
  | { type: 'text-delta'; text: string }
  /** A fragment of a tool call, for consumers that re-emit provider-shaped chunks. */
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  /** A tool call whose arguments are complete. */
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'usage'; usage: Usage }
  /** The last event: the answer is complete. `stream.result` has resolved by now. */
  | {
      type: 'finish';
      finishReason: FinishReason;
      usage: Usage;
      costUsd: number;
      provider: string;
      model: string;
    };

/**
 * An async iterable of events (iterate it once) plus the final result. Reading is pull-based: the
 * provider's stream is read only as fast as the caller iterates.
 */
export interface RouterStream extends AsyncIterable<RouterStreamEvent> {
  /** Resolves like chat()'s result once the stream completes; awaiting it alone consumes the stream. */
  readonly result: Promise<ChatResult>;
}
