import type { TimerHandle } from '../clock.js';
import type { ChatResult } from '../types.js';
import { isPromise } from './candidate-picker.js';
import type { RequestRun } from './request-run.js';
import type { Pick, Turn } from './turn.js';

/**
 * What `chat()` and `stream()` hand the loop: how to make one attempt, and what to end with when the
 * failure table says "return the refusal". They differ in nothing else.
 */
export type AttemptKind<Context, Value> = {
  /** Streams give their router-owned timers (first token, stall) a signal to abort. */
  readonly abortable: boolean;
  /**
   * One attempt on `turn.candidate`. Resolves once the attempt has succeeded (chat: the answer, which
   * it records with `run.succeed`; stream: its first content, after which the stream owns the turn),
   * having claimed the request (`run.claim`, so that of two hedged attempts only one wins).
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
 * With hedging (DESIGN §12) an attempt is a race of up to two turns (see `race`); without, nothing
 * here allocates a timer or a promise beyond the attempt's own.
 */
export async function runAttempts<Context, Value>(
  run: RequestRun,
  kind: AttemptKind<Context, Value>,
  context: Context,
): Promise<Value> {
  const afterMs = run.hedgeAfterMs;
  for (;;) {
    const picked = run.pick();
    const turn = run.start(isPromise(picked) ? await picked : picked, kind.abortable);
    if (afterMs !== undefined) {
      const won = await race(run, kind, context, turn, afterMs);
      if (won) return won.value;
      continue;
    }
    try {
      return await kind.attempt(run, turn, context);
    } catch (error) {
      const refusal = failed(run, turn, error);
      if (refusal) return kind.refused(refusal, context);
    }
  }
}

/** Records a failed attempt and does what the failure table says (see `RequestRun.fail`). */
function failed(run: RequestRun, turn: Turn, error: unknown): ChatResult | undefined {
  try {
    return run.fail(turn, error);
  } finally {
    turn.dispose();
  }
}

/**
 * One step of the loop with hedging: `first` runs; while it is the only attempt in flight and has
 * produced nothing `afterMs` after it started, a hedge starts on the next candidate the gate admits
 * right now (none: no hedge, and nothing waits for one). The first attempt to claim the request wins;
 * the other is aborted and booked as `cancelled` (`run.lose`). A failure is recorded as in the plain
 * loop; while the other attempt still runs the race goes on. Resolves with the winner's value, or
 * undefined when every attempt of the race failed (the loop then picks again).
 */
function race<Context, Value>(
  run: RequestRun,
  kind: AttemptKind<Context, Value>,
  context: Context,
  first: Turn,
  afterMs: number,
): Promise<{ value: Value } | undefined> {
  const { clock, logger } = run.state.options;
  run.openRace();
  return new Promise((resolve, reject) => {
    const running = new Map<string, Turn>();
    const hedged = new Set<Turn>();
    let over = false;
    let timer: TimerHandle | undefined;

    const end = (settle: () => void) => {
      over = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      for (const turn of running.values()) {
        run.lose(turn);
        turn.dispose();
      }
      running.clear();
      settle();
    };

    // At most one hedge per attempt, and only beside a lone attempt: never more than two in flight.
    const arm = () => {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      if (over || running.size !== 1) return;
      const slow = running.values().next().value as Turn;
      if (hedged.has(slow)) return;
      timer = clock.setTimeout(
        () => {
          timer = undefined;
          hedge(slow).catch((error) =>
            logger.error('hedge failed to start; the attempt goes on alone', { error: String(error) }),
          );
        },
        Math.max(0, slow.startedAt + afterMs - run.now),
      );
    };

    const hedge = async (slow: Turn) => {
      if (over || running.size !== 1) return;
      hedged.add(slow);
      const picked = run.pickHedge(new Set(running.keys()));
      const pick: Pick | undefined = isPromise(picked) ? await picked : picked;
      if (pick === undefined) return;
      // The race ended while a shared store admitted the hedge: its reservation goes straight back.
      if (over) return run.report(pick.candidate, pick.ticket, { type: 'cancelled', durationMs: 0 });
      launch(run.start(pick, kind.abortable, slow));
    };

    const launch = (turn: Turn) => {
      running.set(turn.candidate.key, turn);
      arm();
      kind.attempt(run, turn, context).then(
        (value) => {
          running.delete(turn.candidate.key);
          end(() => resolve({ value }));
        },
        (error) => {
          // Aborted by us, or it failed after the other attempt won: not this request's failure.
          if (over || turn.reported || run.won) {
            running.delete(turn.candidate.key);
            run.lose(turn);
            turn.dispose();
            // Never left hanging: a winner that claimed and then threw leaves nothing in flight.
            if (!over && running.size === 0) end(() => resolve(undefined));
            return;
          }
          running.delete(turn.candidate.key);
          let refusal: ChatResult | undefined;
          try {
            refusal = failed(run, turn, error);
          } catch (ending) {
            return end(() => reject(ending));
          }
          if (refusal) {
            const result = refusal;
            return end(() => {
              try {
                resolve({ value: kind.refused(result, context) });
              } catch (ending) {
                reject(ending);
              }
            });
          }
          if (running.size === 0) return end(() => resolve(undefined));
          arm();
        },
      );
    };

    launch(first);
  });
}
