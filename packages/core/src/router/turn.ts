import type { Clock, TimerHandle } from '../clock.js';
import { ProviderError } from '../errors.js';
import { AttemptSignal } from './attempt-signal.js';
import type { AttemptScope } from './attempt-wrappers.js';
import type { CloseSignal, CloseSignals } from './close-signals.js';
import type { RouterEvents } from './events.js';
import type { Candidate } from './rank.js';

/** What picking found: the candidate to call, the gate's ticket for it, and how long the request waited. */
export type Pick = { candidate: Candidate; ticket: unknown; waitedMs: number };

/**
 * One attempt on one candidate: what was picked, when it started, and the signal its call gets (an
 * AttemptSignal, so one object per attempt carries both). Lives in the router's in-flight set until
 * disposed.
 */
export class Turn extends AttemptSignal {
  readonly candidate: Candidate;
  readonly ticket: unknown;
  readonly waitedMs: number;
  readonly startedAt: number;
  /** Set when this attempt falls back from another candidate (the event was emitted at its start). */
  readonly fallback: RouterEvents['fallback'] | undefined;
  /** The gate has heard how this attempt ended (its ticket is settled). */
  reported = false;
  /** Started as a hedge beside a slow attempt. */
  hedge = false;
  /** Its number in the request, as in `attempt-start` (1 for the first). */
  number = 1;
  /** What attempt wrappers are told about this attempt; built at its first wrapped call. */
  scope: AttemptScope | undefined;
  readonly #inFlight: Set<Turn>;
  readonly #closeSignals: CloseSignals;
  /** For a call nothing else can abort: the shared signal router.close() aborts. */
  #closeSignal: CloseSignal | undefined;
  #attemptTimer: TimerHandle | undefined;
  readonly #clock: Clock;

  constructor(
    pick: Pick,
    clock: Clock,
    caller: AbortSignal | undefined,
    deadline: number,
    abortable: boolean,
    fallback: RouterEvents['fallback'] | undefined,
    attemptTimeoutMs: number | undefined,
    inFlight: Set<Turn>,
    closeSignals: CloseSignals,
  ) {
    // Every attempt can be ended by its own timeout and by router.close() (which walks `inFlight`);
    // its call's signal fires too when it has one (a caller signal, a deadline, a stream).
    super(clock, caller, deadline, abortable, true, closeSignals.pool);
    this.candidate = pick.candidate;
    this.ticket = pick.ticket;
    this.waitedMs = pick.waitedMs;
    this.startedAt = clock.now();
    this.fallback = fallback;
    this.#clock = clock;
    this.#inFlight = inFlight;
    this.#closeSignals = closeSignals;
    inFlight.add(this);
    // Without it the SDK would get no signal, and router.close() could end the wait on a hung call but
    // not close its connection (issue 14, defect 8).
    if (!this.ownsSignal) this.#closeSignal = closeSignals.take();
    if (attemptTimeoutMs !== undefined && this.startedAt + attemptTimeoutMs < deadline)
      this.#attemptTimer = clock.setTimeout(() => this.#timedOut(attemptTimeoutMs), attemptTimeoutMs);
  }

  override get signal(): AbortSignal {
    return this.#closeSignal ? this.#closeSignal.signal : super.signal;
  }

  override dispose(): void {
    super.dispose();
    this.#inFlight.delete(this);
    if (this.#closeSignal) this.#closeSignals.release(this.#closeSignal);
    this.#closeSignal = undefined;
    if (this.#attemptTimer !== undefined) this.#clock.clearTimeout(this.#attemptTimer);
    this.#attemptTimer = undefined;
  }

  /** The provider took the call and did not answer in time: a `timeout`, and the loop falls back. */
  #timedOut(ms: number): void {
    const { provider, model } = this.candidate;
    this.abort(
      new ProviderError(`no answer within ${ms} ms (attemptTimeoutMs)`, {
        failure: 'timeout',
        provider,
        model,
      }),
    );
  }
}
