import type { BudgetRefusal } from '../budgets/budget-book.js';
import { abortReason, BudgetExceededError } from '../errors.js';
import { type FailureClass, failurePolicy } from '../failure.js';
import type { MaybePromise } from '../store.js';
import { AttemptSignal, sleep } from './attempt-signal.js';
import { addCallerAbort, removeCallerAbort } from './caller-abort.js';
import type { Admission, GateRequest } from './candidate-gate.js';
import type { Candidate, Ranking } from './rank.js';
import type { RequestRun } from './request-run.js';
import type { Pick } from './turn.js';

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

/**
 * Picks a request's next candidate: the first in rank order that the gate admits now, else (after the
 * shorter of a capacity wait and a backoff re-try of a failed model) the next one, until the
 * deadline. Remembers which candidates failed in this request and which windows are too small.
 */
export class CandidatePicker {
  readonly #run: RequestRun;
  /** Candidates that failed in this request, with their failure and (capped) Retry-After. */
  readonly #failed = new Map<string, { failure: FailureClass; retryAfterMs?: number }>();
  /** After a context_length failure, only windows larger than this. */
  #minWindow = 0;
  #retries = 0;
  #waitedMs = 0;
  /** The first spend budget that refused a candidate in the latest pass. */
  #budget: BudgetRefusal | undefined;

  constructor(run: RequestRun) {
    this.#run = run;
  }

  /** `candidate` failed with `failure`: not again in this request unless the table allows a re-try. */
  failed(candidate: Candidate, failure: FailureClass, retryAfterMs: number | undefined): void {
    this.#failed.set(candidate.key, { failure, retryAfterMs });
  }

  /** Only models with a context window larger than `window` from now on. */
  needsWindowAbove(window: number): void {
    this.#minWindow = Math.max(this.#minWindow, window);
  }

  /** The soonest Retry-After any failed candidate gave, for AllProvidersFailedError. */
  soonestRetryAfter(): number | undefined {
    let soonest: number | undefined;
    for (const { retryAfterMs } of this.#failed.values())
      if (retryAfterMs !== undefined) soonest = Math.min(soonest ?? Infinity, retryAfterMs);
    return soonest;
  }

  /** The next candidate to call, waiting (backoff or capacity) only when nothing can go now. */
  pick(): MaybePromise<Pick> {
    const run = this.#run;
    run.checkLive();
    const { maxAttempts } = run.state.options;
    if (run.attempts.length >= maxAttempts)
      throw run.allFailed(`Gave up after maxAttempts (${maxAttempts}) attempts`);
    const skips: string[] = [];
    let soonest = Infinity;
    let soonestKey: string | undefined;
    this.#budget = undefined;
    const { ranking } = run;
    const { gate } = run.state;
    for (let index = 0; index < ranking.count; index++) {
      const candidate = ranking.at(index) as Candidate;
      if (!this.#usable(candidate) || this.#failed.has(candidate.key)) continue;
      const admission = gate.admit(candidate, run.gateRequest, run.now);
      if (isPromise(admission))
        return this.#pickAsync(admission, candidate, index, skips, soonest, soonestKey);
      const decided = this.#consider(candidate, admission, skips);
      if (decided) return decided;
      if (admission.action === 'wait' && admission.retryInMs < soonest) {
        soonest = admission.retryInMs;
        soonestKey = admission.group ?? candidate.key;
      }
    }
    return this.#waitOrGiveUp(skips, soonest, soonestKey);
  }

  /**
   * A candidate for a hedge, admitted now or not at all: the first in rank order that is not `busy`
   * (the attempts in flight), has not failed, and the gate lets go at once. Never waits, never takes
   * a budget's reserve, never joins the wait queue: `request` is the hedge's own GateRequest.
   */
  pickNow(busy: ReadonlySet<string>, request: GateRequest): MaybePromise<Pick | undefined> {
    return this.#firstAdmitted(this.#run.ranking, 0, busy, request);
  }

  #firstAdmitted(
    candidates: Ranking,
    from: number,
    busy: ReadonlySet<string>,
    request: GateRequest,
  ): MaybePromise<Pick | undefined> {
    const run = this.#run;
    for (let index = from; index < candidates.count; index++) {
      const candidate = candidates.at(index) as Candidate;
      if (busy.has(candidate.key) || !this.#usable(candidate) || this.#failed.has(candidate.key)) continue;
      const admission = run.state.gate.admit(candidate, request, run.now);
      if (isPromise(admission))
        return admission.then((late) =>
          late.action === 'go'
            ? { candidate, ticket: late.ticket, waitedMs: 0 }
            : this.#firstAdmitted(candidates, index + 1, busy, request),
        );
      if (admission.action === 'go') return { candidate, ticket: admission.ticket, waitedMs: 0 };
    }
    return undefined;
  }

  async #pickAsync(
    first: Promise<Admission>,
    firstCandidate: Candidate,
    from: number,
    skips: string[],
    soonestSoFar: number,
    soonestKeySoFar: string | undefined,
  ): Promise<Pick> {
    const run = this.#run;
    let soonest = soonestSoFar;
    let soonestKey = soonestKeySoFar;
    const { ranking } = run;
    for (let index = from; index < ranking.count; index++) {
      const candidate = index === from ? firstCandidate : (ranking.at(index) as Candidate);
      if (index !== from && (!this.#usable(candidate) || this.#failed.has(candidate.key))) continue;
      const admission = await this.#admitted(
        candidate,
        index === from ? first : run.state.gate.admit(candidate, run.gateRequest, run.now),
      );
      const decided = this.#consider(candidate, admission, skips);
      if (decided) return decided;
      if (admission.action === 'wait' && admission.retryInMs < soonest) {
        soonest = admission.retryInMs;
        soonestKey = admission.group ?? candidate.key;
      }
    }
    return this.#waitOrGiveUp(skips, soonest, soonestKey);
  }

  /** Awaits an asynchronous admission (a shared store), honouring the caller's abort and the deadline. */
  async #admitted(candidate: Candidate, admission: MaybePromise<Admission>): Promise<Admission> {
    const run = this.#run;
    const caller = run.request.signal;
    if (!isPromise(admission) || (!caller && run.deadline === Infinity)) return admission;
    const guard = new AttemptSignal(run.state.options.clock, caller, run.deadline);
    try {
      return await guard.race(() => admission);
    } catch (error) {
      // Whatever the gate grants after we stopped waiting goes straight back.
      admission.then(
        (late) => {
          if (late.action === 'go') run.report(candidate, late.ticket, { type: 'cancelled', durationMs: 0 });
        },
        () => {},
      );
      if (guard.deadlinePassed) throw run.deadlineError();
      throw error;
    } finally {
      guard.dispose();
    }
  }

  #consider(candidate: Candidate, admission: Admission, skips: string[]): Pick | undefined {
    if (admission.action === 'go') {
      const waitedMs = this.#waitedMs;
      this.#waitedMs = 0;
      return { candidate, ticket: admission.ticket, waitedMs };
    }
    skips.push(`${candidate.key}: ${admission.reason}`);
    if (admission.action === 'skip' && admission.budget && !this.#budget) this.#budget = admission.budget;
    return undefined;
  }

  #budgetExceeded(refusal: BudgetRefusal, skips: string[]): BudgetExceededError {
    const { budget, tenant, window, limitUsd, resetAt, retryAfterMs } = refusal;
    const others = skips.length > 1 ? `\n  skipped: ${skips.join('; ')}` : '';
    return new BudgetExceededError(`Spend budget "${budget}" exceeded: ${refusal.reason}${others}`, {
      budget,
      tenant,
      window,
      limitUsd,
      resetAt,
      retryAfterMs: refusal.neverFits ? Number.POSITIVE_INFINITY : retryAfterMs,
      attempts: this.#run.attempts as never,
    });
  }

  #usable(candidate: Candidate): boolean {
    return (
      candidate.spec.contextWindow > this.#minWindow && this.#run.state.unavailable(candidate) === undefined
    );
  }

  /** Nothing can go now: wait for the sooner of a waiting candidate and a backoff re-try, or give up. */
  async #waitOrGiveUp(skips: string[], soonest: number, soonestKey?: string): Promise<Pick> {
    const run = this.#run;
    const { options, gate } = run.state;
    let retry: Candidate | undefined;
    for (let index = 0; index < run.ranking.count && !retry; index++) {
      const candidate = run.ranking.at(index) as Candidate;
      const failed = this.#failed.get(candidate.key);
      if (failed !== undefined && failurePolicy(failed.failure).retry && this.#usable(candidate))
        retry = candidate;
    }
    let delay = soonest;
    let retrying = false;
    if (retry) {
      // Full jitter: a random delay in [0, cap), cap doubling per re-try; never sooner than Retry-After.
      const { baseDelayMs, maxDelayMs } = options.retry;
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** this.#retries);
      const backoff = Math.max(options.random() * cap, this.#failed.get(retry.key)?.retryAfterMs ?? 0);
      if (backoff <= delay) {
        delay = backoff;
        retrying = true;
      }
    }
    if (delay === Infinity) {
      if (this.#budget) throw this.#budgetExceeded(this.#budget, skips);
      throw run.allFailed('Every candidate failed or was skipped', skips);
    }
    if (run.now + delay >= run.deadline)
      throw run.allFailed(
        `No candidate can go before the deadline (next in ${Math.ceil(delay)} ms)`,
        skips,
        delay,
      );
    const started = run.now;
    const caller = run.request.signal;
    if (gate.wait && !retrying) {
      const controller = new AbortController();
      const onAbort = () => controller.abort(abortReason(caller as AbortSignal));
      if (caller) addCallerAbort(caller, onAbort);
      try {
        await gate.wait(run.gateRequest, delay, controller.signal, soonestKey);
      } finally {
        if (caller) removeCallerAbort(caller, onAbort);
      }
    } else await sleep(options.clock, delay, caller);
    this.#waitedMs += run.now - started;
    if (retry && retrying) {
      this.#retries++;
      this.#failed.delete(retry.key);
    }
    return this.pick();
  }
}
