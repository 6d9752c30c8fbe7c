import {
  AllProvidersFailedError,
  abortReason,
  DeadlineExceededError,
  NoEligibleModelError,
  RouterError,
} from '../errors.js';
import type { FailureClass } from '../failure.js';
import { redact } from '../redact.js';
import type { AdapterCall } from '../spec.js';
import type { MaybePromise } from '../store.js';
import type { Attempt, ChatRequest, ChatResult } from '../types.js';
import { AttemptSignal, sleep } from './attempt-signal.js';
import { addCallerAbort, removeCallerAbort } from './caller-abort.js';
import type { Admission, GateRequest, Outcome } from './candidate-gate.js';
import type { RouterEvents } from './events.js';
import type { Candidate, Ranking } from './rank.js';
import type { RouterState } from './router-state.js';

/** Failures after which the same model may be tried again (after backoff) when nothing else is left. */
const RETRIABLE: ReadonlySet<FailureClass> = new Set([
  'rate_limit',
  'overloaded',
  'server',
  'timeout',
  'connection',
  'stream_cut',
  'stall',
]);

export type Pick = { candidate: Candidate; ticket: unknown; waitedMs: number };

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

/**
 * The state of one request across its attempts: which candidates are left, what each try did, the
 * deadline. `chat` and `stream` drive it: pick → call the adapter → succeed or fail → pick again.
 */
export class RequestRun {
  readonly id: string;
  readonly state: RouterState;
  readonly request: ChatRequest;
  readonly ranking: Ranking;
  readonly startedAt: number;
  readonly deadline: number;
  readonly attempts: Attempt[] = [];
  readonly gateRequest: GateRequest;
  readonly warnings: string[] = [];
  /** Candidates that failed in this request, with their failure and Retry-After. */
  readonly failed = new Map<string, { failure: FailureClass; retryAfterMs?: number }>();
  /** After a context_length failure, only windows larger than this. */
  minWindow = 0;
  #retries = 0;
  #waitedMs = 0;
  /** The candidate that failed last and why, for the fallback event. */
  last: Candidate | undefined;
  lastFailure: FailureClass | undefined;
  /** Set by `begin` when the attempt it starts is a fallback from another candidate. */
  fallback: RouterEvents['fallback'] | undefined;
  readonly stream: boolean;

  constructor(state: RouterState, request: ChatRequest, stream: boolean) {
    this.state = state;
    this.request = request;
    this.stream = stream;
    this.id = state.nextRequestId();
    const clock = state.options.clock;
    this.startedAt = clock.now();
    const timeoutMs = request.timeoutMs ?? state.options.timeoutMs;
    this.deadline = timeoutMs === undefined ? Infinity : this.startedAt + timeoutMs;
    this.ranking = state.rank(request, stream);
    this.gateRequest = {
      requestId: this.id,
      request,
      estimatedInputTokens: this.ranking.estimatedInputTokens,
      expectedOutputTokens: this.ranking.expectedOutputTokens,
      deadline: this.deadline,
    };
    const { candidates, exclusions } = this.ranking;
    if (state.hub.has('request-start'))
      state.hub.emit('request-start', {
        requestId: this.id,
        candidates: candidates.map(({ provider, model }) => ({ provider, model })),
        exclusions,
        stream,
        request,
      });
    if (candidates.length === 0) {
      const lines = exclusions.map((item) => `${item.provider}/${item.model}: ${item.reason}`);
      throw new NoEligibleModelError(`No model can serve this request:\n  ${lines.join('\n  ')}`, {
        exclusions,
      });
    }
  }

  get now(): number {
    return this.state.options.clock.now();
  }

  /** Throws the caller's abort reason or DeadlineExceededError if either has happened. */
  checkLive(): void {
    const signal = this.request.signal;
    if (signal?.aborted) throw abortReason(signal);
    if (this.now >= this.deadline) throw this.deadlineError();
  }

  deadlineError(): DeadlineExceededError {
    const timeoutMs = this.deadline - this.startedAt;
    return new DeadlineExceededError(
      `Request deadline of ${timeoutMs} ms passed after ${this.attempts.length} attempt(s)${this.#summary()}`,
      { attempts: this.attempts },
    );
  }

  /** The next candidate to call, waiting (backoff or capacity) only when nothing can go now. */
  pick(): MaybePromise<Pick> {
    this.checkLive();
    if (this.attempts.length >= this.state.options.maxAttempts)
      throw this.#allFailed(`Gave up after maxAttempts (${this.state.options.maxAttempts}) attempts`);
    const skips: string[] = [];
    let soonest = Infinity;
    let soonestKey: string | undefined;
    const { candidates } = this.ranking;
    for (let index = 0; index < candidates.length; index++) {
      const candidate = candidates[index] as Candidate;
      if (!this.#usable(candidate) || this.failed.has(candidate.key)) continue;
      const admission = this.state.gate.admit(candidate, this.gateRequest, this.now);
      if (isPromise(admission))
        return this.#pickAsync(admission, candidate, index, skips, soonest, soonestKey);
      const decided = this.#consider(candidate, admission, skips);
      if (decided) return decided;
      if (admission.action === 'wait' && admission.retryInMs < soonest) {
        soonest = admission.retryInMs;
        soonestKey = candidate.key;
      }
    }
    return this.#waitOrGiveUp(skips, soonest, soonestKey);
  }

  async #pickAsync(
    first: Promise<Admission>,
    firstCandidate: Candidate,
    from: number,
    skips: string[],
    soonestSoFar: number,
    soonestKeySoFar: string | undefined,
  ): Promise<Pick> {
    let soonest = soonestSoFar;
    let soonestKey = soonestKeySoFar;
    const { candidates } = this.ranking;
    for (let index = from; index < candidates.length; index++) {
      const candidate = index === from ? firstCandidate : (candidates[index] as Candidate);
      if (index !== from && (!this.#usable(candidate) || this.failed.has(candidate.key))) continue;
      const admission = await this.#admitted(
        candidate,
        index === from ? first : this.state.gate.admit(candidate, this.gateRequest, this.now),
      );
      const decided = this.#consider(candidate, admission, skips);
      if (decided) return decided;
      if (admission.action === 'wait' && admission.retryInMs < soonest) {
        soonest = admission.retryInMs;
        soonestKey = candidate.key;
      }
    }
    return this.#waitOrGiveUp(skips, soonest, soonestKey);
  }

  /** Awaits an asynchronous admission (a shared store), honouring the caller's abort and the deadline. */
  async #admitted(candidate: Candidate, admission: MaybePromise<Admission>): Promise<Admission> {
    if (!isPromise(admission) || (!this.request.signal && this.deadline === Infinity)) return admission;
    const guard = new AttemptSignal(this.state.options.clock, this.request.signal, this.deadline);
    try {
      return await guard.race(() => admission);
    } catch (error) {
      // Whatever the gate grants after we stopped waiting goes straight back.
      admission.then(
        (late) => {
          if (late.action === 'go')
            this.report(
              { candidate, ticket: late.ticket, waitedMs: 0 },
              { type: 'cancelled', durationMs: 0 },
            );
        },
        () => {},
      );
      if (guard.deadlinePassed) throw this.deadlineError();
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
    return undefined;
  }

  #usable(candidate: Candidate): boolean {
    return candidate.spec.contextWindow > this.minWindow && this.state.unavailable(candidate) === undefined;
  }

  /** Nothing can go now: wait for the sooner of a waiting candidate and a backoff re-try, or give up. */
  async #waitOrGiveUp(skips: string[], soonest: number, soonestKey?: string): Promise<Pick> {
    const retry = this.ranking.candidates.find((candidate) => {
      const failed = this.failed.get(candidate.key);
      return failed !== undefined && RETRIABLE.has(failed.failure) && this.#usable(candidate);
    });
    let delay = soonest;
    let retrying = false;
    if (retry) {
      // Full jitter: a random delay in [0, cap), cap doubling per re-try; never sooner than Retry-After.
      const { baseDelayMs, maxDelayMs } = this.state.options.retry;
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** this.#retries);
      const backoff = Math.max(
        this.state.options.random() * cap,
        this.failed.get(retry.key)?.retryAfterMs ?? 0,
      );
      if (backoff <= delay) {
        delay = backoff;
        retrying = true;
      }
    }
    if (delay === Infinity) throw this.#allFailed('Every candidate failed or was skipped', skips);
    if (this.now + delay >= this.deadline)
      throw this.#allFailed(
        `No candidate can go before the deadline (next in ${Math.ceil(delay)} ms)`,
        skips,
        delay,
      );
    const started = this.now;
    const gate = this.state.gate;
    if (gate.wait && !retrying) {
      const controller = new AbortController();
      const caller = this.request.signal;
      const onAbort = () => controller.abort(abortReason(caller as AbortSignal));
      if (caller) addCallerAbort(caller, onAbort);
      try {
        await gate.wait(this.gateRequest, delay, controller.signal, soonestKey);
      } finally {
        if (caller) removeCallerAbort(caller, onAbort);
      }
    } else await sleep(this.state.options.clock, delay, this.request.signal);
    this.#waitedMs += this.now - started;
    if (retry && retrying) {
      this.#retries++;
      this.failed.delete(retry.key);
    }
    return this.pick();
  }

  /** Starts one attempt: emits fallback / attempt-start and returns the call's abortable signal. */
  begin(candidate: Candidate, abortable = false): AttemptSignal {
    const hub = this.state.hub;
    const { provider, model } = candidate;
    this.fallback = undefined;
    if (this.last && this.lastFailure && this.last.key !== candidate.key) {
      this.fallback = {
        requestId: this.id,
        from: { provider: this.last.provider, model: this.last.model },
        to: { provider, model },
        failure: this.lastFailure,
      };
      hub.emit('fallback', this.fallback);
    }
    if (hub.has('attempt-start'))
      hub.emit('attempt-start', { requestId: this.id, provider, model, attempt: this.attempts.length + 1 });
    return new AttemptSignal(this.state.options.clock, this.request.signal, this.deadline, abortable);
  }

  adapterCall(candidate: Candidate, signal: AbortSignal, messages = this.request.messages): AdapterCall {
    const { request } = this;
    return {
      model: candidate.model,
      messages,
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      stop: typeof request.stop === 'string' ? [request.stop] : request.stop,
      tools: request.tools,
      toolChoice: request.toolChoice,
      responseFormat: request.responseFormat,
      signal,
      onWarning: (message) => this.warnings.push(redact(message)),
    };
  }

  report(pick: Pick, outcome: Outcome): void {
    try {
      const done = this.state.gate.report(pick.candidate, this.gateRequest, pick.ticket, outcome, this.now);
      if (isPromise(done))
        done.catch((error) =>
          this.state.options.logger.error('gate report failed', { error: String(error) }),
        );
    } catch (error) {
      this.state.options.logger.error('gate report failed', { error: String(error) });
    }
  }

  #allFailed(headline: string, skips: string[] = [], retryAfterMs?: number): AllProvidersFailedError {
    const extra = skips.length ? `\n  skipped: ${skips.join('; ')}` : '';
    return new AllProvidersFailedError(`${headline}${this.#summary()}${extra}`, {
      attempts: this.attempts,
      retryAfterMs: retryAfterMs ?? this.#soonestRetryAfter(),
    });
  }

  #soonestRetryAfter(): number | undefined {
    let soonest: number | undefined;
    for (const { retryAfterMs } of this.failed.values())
      if (retryAfterMs !== undefined) soonest = Math.min(soonest ?? Infinity, retryAfterMs);
    return soonest;
  }

  #summary(): string {
    if (this.attempts.length === 0) return '';
    const lines = this.attempts.map(
      (a, i) =>
        `${i + 1}. ${a.provider}/${a.model}: ${a.outcome}${a.status ? ` (${a.status})` : ''}${a.message ? ` ${a.message}` : ''}`,
    );
    return `:\n  ${lines.join('\n  ')}`;
  }

  /** Emits request-finish for the result or error the request ends with. */
  finish(result: ChatResult | undefined, error?: unknown): void {
    if (!this.state.hub.has('request-finish')) return;
    this.state.hub.emit('request-finish', {
      requestId: this.id,
      ok: result !== undefined && error === undefined,
      provider: result?.provider,
      model: result?.model,
      attempts: this.attempts,
      durationMs: this.now - this.startedAt,
      costUsd: result?.costUsd,
      errorCode: RouterError.isInstance(error) ? error.code : error === undefined ? undefined : 'aborted',
      stream: this.stream,
      result,
    });
  }
}
