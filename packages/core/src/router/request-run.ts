import {
  AllProvidersFailedError,
  abortReason,
  DeadlineExceededError,
  InvalidRequestError,
  NoEligibleModelError,
  ProviderError,
  RouterError,
} from '../errors.js';
import { type FailureClass, failurePolicy } from '../failure.js';
import { usageCostUsd } from '../pricing.js';
import { redact } from '../redact.js';
import { QUOTA_MAX_MS, usableRetryAfter } from '../resilience/cooldown-policy.js';
import type { AdapterCall } from '../spec.js';
import type { MaybePromise } from '../store.js';
import type { Attempt, ChatRequest, ChatResult, Message, RateLimitSnapshot, Usage } from '../types.js';
import type { GateRequest, Outcome } from './candidate-gate.js';
import { CandidatePicker, isPromise } from './candidate-picker.js';
import type { RouterEvents } from './events.js';

type RequestStartPayload = RouterEvents['request-start'];

import type { Candidate, Ranking } from './rank.js';
import type { RouterState } from './router-state.js';
import { type Pick, Turn } from './turn.js';

/** What an attempt produced, before the router adds cost, provider, model and attempts. */
export type Output = Omit<ChatResult, 'costUsd' | 'provider' | 'model' | 'attempts'>;

export type RecordedFailure = { failure: FailureClass; message: string; deadline: boolean };

export function costOf(candidate: Candidate, usage: Usage): number {
  return usageCostUsd(candidate.spec, usage);
}

/**
 * One request across its attempts: the ranking, the deadline, what each try did. The attempt loop
 * drives it (pick → start → succeed or fail); its state changes only through these methods, and what
 * a failure does is read from the failure table.
 */
export class RequestRun {
  readonly id: string;
  readonly state: RouterState;
  readonly request: ChatRequest;
  readonly ranking: Ranking;
  readonly startedAt: number;
  readonly deadline: number;
  readonly gateRequest: GateRequest;
  readonly stream: boolean;
  /** Start a hedge after this long without output (request or router `hedge`); undefined: never. */
  readonly hedgeAfterMs: number | undefined;
  readonly #attempts: Attempt[] = [];
  readonly #warnings: string[] = [];
  readonly #picker = new CandidatePicker(this);
  /** The candidate that failed last and why, for the next attempt's fallback event. */
  #last: { candidate: Candidate; failure: FailureClass } | undefined;
  /** With hedging: the attempt that produced first (the others lose and are aborted). */
  #winner: Turn | undefined;
  /** With hedging: a hedge's own GateRequest (it never takes a budget's reserve or a queue place). */
  #hedgeRequest: GateRequest | undefined;

  constructor(state: RouterState, request: ChatRequest, stream: boolean) {
    this.state = state;
    this.request = request;
    this.stream = stream;
    this.id = state.nextRequestId();
    this.startedAt = state.options.clock.now();
    const timeoutMs = request.timeoutMs ?? state.options.timeoutMs;
    this.deadline = timeoutMs === undefined ? Infinity : this.startedAt + timeoutMs;
    const hedge = request.hedge ?? state.options.hedge;
    this.hedgeAfterMs = hedge ? hedge.afterMs : undefined;
    this.ranking = state.rank(request, stream);
    this.gateRequest = {
      requestId: this.id,
      request,
      estimatedInputTokens: this.ranking.estimatedInputTokens,
      expectedOutputTokens: this.ranking.expectedOutputTokens,
      deadline: this.deadline,
      tenant: state.tenants.of(request.tenant),
      tenantCounted: false,
    };
    this.gateRequest.tenant.requests++;
    const { ranking } = this;
    if (state.hub.has('request-start'))
      state.hub.emit('request-start', new RequestStartEvent(this.id, ranking, stream, request));
    if (ranking.count === 0) {
      const { exclusions } = ranking;
      const lines = exclusions.map((item) => `${item.provider}/${item.model}: ${item.reason}`);
      throw new NoEligibleModelError(`No model can serve this request:\n  ${lines.join('\n  ')}`, {
        exclusions,
      });
    }
  }

  get now(): number {
    return this.state.options.clock.now();
  }

  /** Every attempt so far, in order (the array results and errors carry). */
  get attempts(): readonly Attempt[] {
    return this.#attempts;
  }

  /** Throws the caller's abort reason or DeadlineExceededError if either has happened. */
  checkLive(): void {
    if (this.state.closed) throw routerClosed();
    const signal = this.request.signal;
    if (signal?.aborted) throw abortReason(signal);
    if (this.now >= this.deadline) throw this.deadlineError();
  }

  deadlineError(): DeadlineExceededError {
    const timeoutMs = this.deadline - this.startedAt;
    return new DeadlineExceededError(
      `Request deadline of ${timeoutMs} ms passed after ${this.#attempts.length} attempt(s)${this.#summary()}`,
      { attempts: this.#attempts },
    );
  }

  allFailed(headline: string, skips: string[] = [], retryAfterMs?: number): AllProvidersFailedError {
    const extra = skips.length ? `\n  skipped: ${skips.join('; ')}` : '';
    return new AllProvidersFailedError(`${headline}${this.#summary()}${extra}`, {
      attempts: this.#attempts,
      retryAfterMs: retryAfterMs ?? this.#picker.soonestRetryAfter(),
    });
  }

  /** The next candidate to call (see CandidatePicker). */
  pick(): MaybePromise<Pick> {
    return this.#picker.pick();
  }

  /**
   * A candidate to hedge `slow` with, admitted now, or undefined (nothing can go at once, or
   * maxAttempts would be passed). `busy`: the candidates with an attempt in flight.
   */
  pickHedge(busy: ReadonlySet<string>): MaybePromise<Pick | undefined> {
    if (this.#winner || this.#attempts.length + busy.size >= this.state.options.maxAttempts) return undefined;
    this.#hedgeRequest ??= { ...this.gateRequest };
    return this.#picker.pickNow(busy, this.#hedgeRequest);
  }

  /**
   * Starts one attempt: emits fallback / attempt-start and returns the turn (its signal included).
   * `hedging`: the slow attempt this one hedges (emits hedge-start instead of fallback).
   */
  start(pick: Pick, abortable: boolean, hedging?: Turn): Turn {
    const hub = this.state.hub;
    const { provider, model, key } = pick.candidate;
    let fallback: RouterEvents['fallback'] | undefined;
    const last = this.#last;
    if (hedging) {
      const from = { provider: hedging.candidate.provider, model: hedging.candidate.model };
      hub.emit('hedge-start', {
        requestId: this.id,
        from,
        to: { provider, model },
        afterMs: this.hedgeAfterMs ?? 0,
      });
      this.state.countersOf(pick.candidate).hedges++;
    } else if (last && last.candidate.key !== key) {
      const from = { provider: last.candidate.provider, model: last.candidate.model };
      fallback = { requestId: this.id, from, to: { provider, model }, failure: last.failure };
      hub.emit('fallback', fallback);
    }
    // A hedge starts while the attempt it hedges is still unrecorded: it is the one after it.
    const attempt = this.#attempts.length + (hedging ? 2 : 1);
    if (hub.has('attempt-start')) {
      hub.emit(
        'attempt-start',
        hedging
          ? { requestId: this.id, provider, model, attempt, hedge: true }
          : { requestId: this.id, provider, model, attempt },
      );
    }
    const { clock, attemptTimeoutMs } = this.state.options;
    // Streams bound an attempt by their first-token and stall watchdogs instead.
    const timeoutMs = abortable ? undefined : (this.request.attemptTimeoutMs ?? attemptTimeoutMs);
    const turn = new Turn(
      pick,
      clock,
      this.request.signal,
      this.deadline,
      // A hedged race aborts its loser through the call's own signal, which closes its connection.
      abortable || this.hedgeAfterMs !== undefined,
      fallback,
      timeoutMs,
      this.state.inFlight,
      this.state.closeSignals,
    );
    turn.number = attempt;
    if (hedging) turn.hedge = true;
    return turn;
  }

  /**
   * With hedging, an attempt that has produced (chat: its answer; stream: its first content) claims
   * the request; false when another attempt already has (this one lost the race). Without hedging
   * there is no race and every claim holds.
   */
  /** A new race starts (a stream's continuation after a break runs one of its own). */
  openRace(): void {
    this.#winner = undefined;
  }

  /** An attempt of a hedged race has claimed the request. */
  get won(): boolean {
    return this.#winner !== undefined;
  }

  claim(turn: Turn): boolean {
    if (this.hedgeAfterMs === undefined) return true;
    if (this.#winner !== undefined && this.#winner !== turn) return false;
    this.#winner = turn;
    return true;
  }

  /**
   * `turn` lost a hedged race: the router aborts it (closing its connection) and books it as
   * `cancelled`, never as a failure (no breaker, no cooldown). `usage`: what it used when it answered
   * in full anyway; otherwise what the provider probably bills for an aborted call (decision 2120): a
   * call answered in one piece is generated to the end after the client goes, so the prompt and the
   * expected output; a stream stops when its connection closes, so the prompt and what it sent.
   */
  lose(turn: Turn, usage?: Usage, streamedText = ''): void {
    if (turn.reported) return;
    turn.reported = true;
    turn.abort(hedgeLost());
    if (this.request.signal?.aborted || this.state.closed) {
      // The caller or router.close() ended the request: nothing lost a race.
      this.report(turn.candidate, turn.ticket, { type: 'cancelled', durationMs: this.now - turn.startedAt });
      return;
    }
    const { candidate } = turn;
    const inputTokens = this.ranking.estimatedInputTokens;
    const outputTokens = this.stream ? Math.ceil(streamedText.length / 4) : this.ranking.expectedOutputTokens;
    const billed = usage ?? { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
    const durationMs = this.now - turn.startedAt;
    const winner = this.#winner?.candidate;
    const attempt: Attempt = {
      provider: candidate.provider,
      model: candidate.model,
      outcome: 'cancelled',
      message: winner
        ? `aborted: ${winner.provider}/${winner.model} answered first`
        : 'aborted by the router',
      durationMs,
      waitedMs: turn.waitedMs,
    };
    if (turn.hedge) attempt.hedge = true;
    this.#attempts.push(attempt);
    this.state.countersOf(candidate).recordCancelled(billed, costOf(candidate, billed));
    this.report(candidate, turn.ticket, { type: 'cancelled', durationMs, usage: billed });
  }

  /**
   * Runs one adapter call of `turn`, `call(a, b)` (arguments, not a closure, so an unwrapped router
   * allocates nothing for it), inside the attempt wrappers when instrumentation registered any.
   */
  invoke<A, B, T>(turn: Turn, call: (a: A, b: B) => T, a: A, b: B): T {
    const wrap = this.state.attemptWrappers.current;
    if (wrap === undefined) return call(a, b);
    turn.scope ??= {
      requestId: this.id,
      attempt: turn.number,
      provider: turn.candidate.provider,
      model: turn.candidate.model,
    };
    return wrap(turn.scope, () => call(a, b));
  }

  adapterCall(turn: Turn, messages: Message[] = this.request.messages): AdapterCall {
    const { request } = this;
    return {
      model: turn.candidate.model,
      messages,
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      stop: typeof request.stop === 'string' ? [request.stop] : request.stop,
      tools: request.tools,
      toolChoice: request.toolChoice,
      responseFormat: request.responseFormat,
      seed: request.seed,
      signal: turn.signal,
      onWarning: (message) => this.#warnings.push(redact(message)),
    };
  }

  /** Records a successful attempt (stats, gate) and returns the result the caller gets. */
  succeed(turn: Turn, output: Output, rateLimit: RateLimitSnapshot | undefined): ChatResult {
    const { candidate } = turn;
    const durationMs = this.now - turn.startedAt;
    const costUsd = costOf(candidate, output.usage);
    const attempt: Attempt = {
      provider: candidate.provider,
      model: candidate.model,
      outcome: 'success',
      durationMs,
      waitedMs: turn.waitedMs,
    };
    if (output.requestId !== undefined) attempt.requestId = output.requestId;
    if (turn.hedge) attempt.hedge = true;
    this.#attempts.push(attempt);
    this.state.countersOf(candidate).recordSuccess(durationMs, output.usage, costUsd);
    turn.reported = true;
    this.report(candidate, turn.ticket, { type: 'success', usage: output.usage, rateLimit, durationMs });
    const hub = this.state.hub;
    if (hub.has('attempt-finish'))
      hub.emit('attempt-finish', {
        requestId: this.id,
        provider: candidate.provider,
        model: candidate.model,
        attempt,
        usage: output.usage,
      });
    // Built field by field: object spread costs about a microsecond per object on Node 20.
    const result: ChatResult = {
      text: output.text,
      toolCalls: output.toolCalls,
      finishReason: output.finishReason,
      usage: output.usage,
      costUsd,
      provider: candidate.provider,
      model: candidate.model,
      attempts: this.#attempts,
    };
    if (output.requestId !== undefined) result.requestId = output.requestId;
    if (this.#warnings.length) result.warnings = this.#warnings;
    return result;
  }

  /**
   * Records a failed attempt: attempt entry, stats, gate report, events. Throws the caller's abort
   * reason (nothing is recorded then: the caller ended the request, the provider did not fail).
   * `usage` is what a stream that broke after content (probably) used.
   */
  record(turn: Turn, error: unknown, usage?: Usage): RecordedFailure {
    const { candidate } = turn;
    const durationMs = this.now - turn.startedAt;
    const caller = this.request.signal;
    turn.reported = true;
    if (caller?.aborted || this.state.closed) {
      // The caller or router.close() ended the request; the provider did not fail.
      this.report(candidate, turn.ticket, { type: 'cancelled', durationMs });
      throw caller?.aborted ? abortReason(caller) : routerClosed();
    }
    const deadline = turn.deadlinePassed;
    const providerError = ProviderError.isInstance(error) ? error : undefined;
    const failure: FailureClass = deadline
      ? 'timeout'
      : (providerError?.failure ?? this.#unclassified(candidate, error));
    const message = redact(
      deadline
        ? 'request deadline passed during the call'
        : error instanceof Error
          ? error.message
          : String(error),
    );
    const attempt: Attempt = {
      provider: candidate.provider,
      model: candidate.model,
      outcome: failure,
      message,
      durationMs,
      waitedMs: turn.waitedMs,
    };
    if (providerError?.status !== undefined) attempt.status = providerError.status;
    if (providerError?.requestId !== undefined) attempt.requestId = providerError.requestId;
    if (turn.hedge) attempt.hedge = true;
    this.#attempts.push(attempt);
    this.state.countersOf(candidate).recordFailure(failure);
    const retryAfterMs = this.#retryAfter(failure, providerError);
    this.report(
      candidate,
      turn.ticket,
      deadline
        ? { type: 'cancelled', durationMs }
        : {
            type: 'failure',
            failure,
            status: providerError?.status,
            retryAfterMs,
            rateLimit: providerError?.rateLimit,
            durationMs,
            usage,
          },
    );
    this.state.options.logger.debug?.(`attempt on ${candidate.key} failed: ${failure}`, {
      requestId: this.id,
      status: attempt.status,
      message,
    });
    const hub = this.state.hub;
    const target = { requestId: this.id, provider: candidate.provider, model: candidate.model };
    hub.emit('attempt-failed', { ...target, attempt, failure, retryAfterMs });
    if (hub.has('attempt-finish')) hub.emit('attempt-finish', { ...target, attempt, usage });
    if (failurePolicy(failure).rateLimited)
      hub.emit('rate-limited', { ...target, failure: failure as 'rate_limit' | 'quota', retryAfterMs });
    if (!deadline) {
      this.#picker.failed(candidate, failure, retryAfterMs);
      this.#last = { candidate, failure };
    }
    return { failure, message, deadline };
  }

  /**
   * A failure before any content reached the caller: record it and do what the failure table says.
   * Returns undefined to try the next candidate, or the refusal to end with (content_filter); throws
   * when the request must end (abort, deadline, invalid_request).
   */
  fail(turn: Turn, error: unknown): ChatResult | undefined {
    const recorded = this.record(turn, error);
    if (recorded.deadline) throw this.deadlineError();
    const { candidate } = turn;
    switch (failurePolicy(recorded.failure).next) {
      case 'fail':
        throw new InvalidRequestError(`${candidate.provider} rejected the request: ${recorded.message}`, {
          attempts: this.#attempts,
          cause: error,
        });
      case 'disable-provider':
        this.state.disableProvider(candidate.provider, recorded.failure, recorded.message);
        break;
      case 'drop-model':
        this.state.markUnavailable(candidate, recorded.message);
        break;
      case 'larger-window':
        this.#picker.needsWindowAbove(candidate.spec.contextWindow);
        break;
      case 'refusal':
        if (!this.request.fallbackOnContentFilter) return this.#refusal(candidate);
        break;
    }
    return undefined;
  }

  /** The attempt was given up without an outcome (a stream closed by its reader): release its ticket. */
  abandon(turn: Turn): void {
    if (turn.reported) return;
    turn.reported = true;
    this.report(turn.candidate, turn.ticket, { type: 'cancelled', durationMs: this.now - turn.startedAt });
  }

  report(candidate: Candidate, ticket: unknown, outcome: Outcome): void {
    const { gate, options } = this.state;
    try {
      const done = gate.report(candidate, this.gateRequest, ticket, outcome, this.now);
      if (isPromise(done))
        done.catch((error) => options.logger.error('gate report failed', { error: String(error) }));
    } catch (error) {
      options.logger.error('gate report failed', { error: String(error) });
    }
  }

  /** Emits request-finish for the result or error the request ends with. */
  finish(result: ChatResult | undefined, error?: unknown): void {
    if (!this.state.hub.has('request-finish')) return;
    this.state.hub.emit('request-finish', {
      requestId: this.id,
      ok: result !== undefined && error === undefined,
      provider: result?.provider,
      model: result?.model,
      attempts: this.#attempts,
      durationMs: this.now - this.startedAt,
      costUsd: result?.costUsd,
      errorCode: RouterError.isInstance(error) ? error.code : error === undefined ? undefined : 'aborted',
      stream: this.stream,
      tenant: this.request.tenant,
      result,
    });
  }

  /**
   * A usable Retry-After, never longer than the longest cooldown: `cooldown.maxMs` for a rate limit (a
   * provider's "1e9 s" included), a day for a quota.
   */
  #retryAfter(failure: FailureClass, error: ProviderError | undefined): number | undefined {
    const asked = usableRetryAfter(error?.retryAfterMs);
    if (asked === undefined) return undefined;
    const quota = failurePolicy(failure).cooldown === 'quota';
    return Math.min(asked, quota ? QUOTA_MAX_MS : this.state.cooldownMaxMs);
  }

  /**
   * The class of an error that is not a ProviderError: the caller's fault if the adapter threw an
   * InvalidRequestError, otherwise the adapter's (reported once per model, so its author can fix it).
   */
  #unclassified(candidate: Candidate, error: unknown): FailureClass {
    if (InvalidRequestError.isInstance(error)) return 'invalid_request';
    if (!this.state.adapterErrorsLogged.has(candidate.key)) {
      this.state.adapterErrorsLogged.add(candidate.key);
      this.state.options.logger.error(
        `adapter ${candidate.provider} threw an error that is not a ProviderError on ${candidate.model}; ` +
          'booked as adapter_error (falls back, never counts against the provider). Adapters must ' +
          'classify every failure as a ProviderError.',
        { error: redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error)) },
      );
    }
    return 'adapter_error';
  }

  #refusal(candidate: Candidate): ChatResult {
    return {
      text: '',
      toolCalls: [],
      finishReason: 'content-filter',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      costUsd: 0,
      provider: candidate.provider,
      model: candidate.model,
      attempts: this.#attempts,
    };
  }

  #summary(): string {
    if (this.#attempts.length === 0) return '';
    const lines = this.#attempts.map(
      (a, i) =>
        `${i + 1}. ${a.provider}/${a.model}: ${a.outcome}${a.status ? ` (${a.status})` : ''}${a.message ? ` ${a.message}` : ''}`,
    );
    return `:\n  ${lines.join('\n  ')}`;
  }
}

/** The reason a hedged race's losing attempt is aborted with. */
/**
 * The `request-start` payload. `candidates` and `exclusions` are getters that build their lists when
 * first read: listing every candidate orders the whole ranking, which the request itself orders only
 * as far as it goes (decision 2121), and telemetry needs only the count (decision 2200). A class, not
 * an object literal with getters: V8 builds such a literal on a slow path (~5 µs each, measured).
 */
class RequestStartEvent implements RequestStartPayload {
  readonly requestId: string;
  readonly candidateCount: number;
  readonly stream: boolean;
  readonly tenant: string | undefined;
  readonly request: ChatRequest;
  readonly #ranking: Ranking;
  #candidates: RequestStartPayload['candidates'] | undefined;

  constructor(requestId: string, ranking: Ranking, stream: boolean, request: ChatRequest) {
    this.requestId = requestId;
    this.candidateCount = ranking.count;
    this.stream = stream;
    this.tenant = request.tenant;
    this.request = request;
    this.#ranking = ranking;
  }

  get candidates(): RequestStartPayload['candidates'] {
    this.#candidates ??= this.#ranking.candidates.map(({ provider, model }) => ({ provider, model }));
    return this.#candidates;
  }

  get exclusions(): RequestStartPayload['exclusions'] {
    return this.#ranking.exclusions;
  }

  /** A listener that logs the event as JSON gets the lists too. */
  toJSON(): RequestStartPayload {
    const { requestId, candidateCount, candidates, exclusions, stream, tenant, request } = this;
    return { requestId, candidateCount, candidates, exclusions, stream, tenant, request };
  }
}

export function hedgeLost(): Error {
  const error = new Error('Another attempt of this request answered first');
  error.name = 'AbortError';
  return error;
}

/** What a request in flight rejects with when router.close() ends it. */
export function routerClosed(): Error {
  const error = new Error('The router was closed while the request was in flight');
  error.name = 'AbortError';
  return error;
}
