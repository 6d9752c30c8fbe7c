import type { ChatResult } from '../types.js';
import { isPromise } from './candidate-picker.js';
import type { RequestRun } from './request-run.js';
import type { Turn } from './turn.js';

/**
 * What `chat()` and `stream()` hand the loop: how to make one attempt, and what to end with when the
 * failure table says "return the refusal". They differ in nothing else.
 */
export type AttemptKind<Context, Value> = {
  /** Streams give their router-owned timers (first token, stall) a signal to abort. */
  readonly abortable: boolean;
  /**
   * One attempt on `turn.candidate`. Resolves once the attempt has succeeded (chat: the answer, which
   * it records with `run.succeed`; stream: its first content, after which the stream owns the turn).
   * Throws the attempt's failure, having released what it holds (an open upstream stream).
   */
  attempt(run: RequestRun, turn: Turn, context: Context): Promise<Value>;
  /** The request ends with a refusal (content_filter, not opted into fallback). */
  refused(result: ChatResult, context: Context): Value;
};

/**
 * The one attempt loop: pick → admit → attempt → record → decide, until an attempt succeeds or the
 * request must end (the failure table decides; the run throws the error to end with). A failed
 * attempt's turn is disposed here; a successful one's by `attempt` (chat) or the stream (after it).
 */
export async function runAttempts<Context, Value>(
  run: RequestRun,
  kind: AttemptKind<Context, Value>,
  context: Context,
): Promise<Value> {
  for (;;) {
    const picked = run.pick();
    const turn = run.start(isPromise(picked) ? await picked : picked, kind.abortable);
    try {
      return await kind.attempt(run, turn, context);
    } catch (error) {
      let refusal: ChatResult | undefined;
      try {
        refusal = run.fail(turn, error);
      } finally {
        turn.dispose();
      }
      if (refusal) return kind.refused(refusal, context);
    }
  }
}
