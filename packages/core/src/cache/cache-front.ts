import { CacheMissError } from '../errors.js';
import { redact } from '../redact.js';
import { runAttempts } from '../router/attempt-loop.js';
import { isPromise } from '../router/candidate-picker.js';
import { chatAttempt } from '../router/chat-attempt.js';
import type { RequestRun } from '../router/request-run.js';
import type { RouterState } from '../router/router-state.js';
import { deliver } from '../router/stream-delivery.js';
import type { RouterStream } from '../router/stream-types.js';
import type { MaybePromise } from '../store.js';
import type { ChatRequest, ChatResult } from '../types.js';
import {
  type CacheEntry,
  decodeEntry,
  encodeEntry,
  hitResult,
  isStorable,
  replayEvents,
  type StoredEvent,
  sharedResult,
} from './cache-entry.js';
import { cacheKey, canonicalRequest } from './cache-key.js';
import { feedStream } from './cache-stream.js';
import { Flight, replayFeed } from './flight.js';
import { lazyStream } from './lazy-stream.js';
import { waitOwn } from './own-wait.js';
import type { CacheMode, CacheStats, CacheStatus, ResponseCache } from './response-cache.js';

type Plan = { canonical: string; key: string; mode: CacheMode; ttlMs: number | undefined };
type Looked = { entry: CacheEntry | undefined; status: CacheStatus };
type Answer = { result: ChatResult; events?: StoredEvent[] };

/** How the router lets the cache start requests: validation and a run (ranking, request-start). */
export type FrontHooks = {
  validate(request: ChatRequest): void;
  open(request: ChatRequest, stream: boolean): RequestRun;
};

/**
 * The response cache in front of the attempt loop (DESIGN §6): a hit is answered here, at no cost and
 * without touching limits, budgets or the queue; a miss runs the loop once per set of identical
 * requests in flight (a Flight) and stores a complete answer.
 */
export class CacheFront {
  readonly #state: RouterState;
  readonly #cache: ResponseCache;
  readonly #hooks: FrontHooks;
  readonly #flights = new Map<string, Flight>();
  readonly #stats: CacheStats = { hits: 0, misses: 0, coalesced: 0, savedUsd: 0 };
  /** The cache failed last time it was used: warned once, quiet until it answers again. */
  #down = false;

  constructor(state: RouterState, cache: ResponseCache, hooks: FrontHooks) {
    this.#state = state;
    this.#cache = cache;
    this.#hooks = hooks;
  }

  stats(): CacheStats {
    return { ...this.#stats };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    this.#hooks.validate(request);
    const plan = planOf(request);
    const looked = plan.mode === 'refresh' ? MISS : await this.#lookup(plan);
    if (looked.entry) return this.#chatHit(request, looked.entry);
    if (plan.mode === 'only-if-cached') throw notCached();
    const flight = plan.mode === 'default' ? this.#flights.get(`c:${plan.key}`) : undefined;
    if (flight) return this.#chatFollow(flight, request);
    return this.#chatLead(this.#launch(request, plan, false), request, looked.status);
  }

  stream(request: ChatRequest): RouterStream {
    this.#hooks.validate(request);
    const plan = planOf(request);
    return lazyStream(async () => {
      const looked = plan.mode === 'refresh' ? MISS : await this.#lookup(plan);
      if (looked.entry) return this.#streamHit(request, looked.entry);
      if (plan.mode === 'only-if-cached') throw notCached();
      const flight = plan.mode === 'default' ? this.#flights.get(`s:${plan.key}`) : undefined;
      if (flight) return this.#streamFollow(flight, request);
      return this.#streamLead(this.#launch(request, plan, true), request, looked.status);
    });
  }

  #chatHit(request: ChatRequest, entry: CacheEntry): ChatResult {
    const run = this.#hooks.open(request, false);
    const result = hitResult(entry);
    this.#served(run, entry, false);
    run.finish(result);
    return result;
  }

  async #chatLead(flight: Flight, request: ChatRequest, status: CacheStatus): Promise<ChatResult> {
    const { run } = flight;
    flight.join();
    let outcome: unknown;
    try {
      // The run keeps this request's deadline; only its own abort needs watching here.
      const result = await waitFor(flight, request, Infinity, run);
      result.cache = status;
      run.finish(result);
      return result;
    } catch (error) {
      outcome = error;
      run.finish(undefined, error);
      throw error;
    } finally {
      flight.leave(outcome);
    }
  }

  async #chatFollow(flight: Flight, request: ChatRequest): Promise<ChatResult> {
    const run = this.#hooks.open(request, false);
    flight.join();
    let outcome: unknown;
    try {
      const shared = await waitFor(flight, request, run.deadline, run);
      const result = sharedResult(shared);
      this.#served(run, shared, true);
      run.finish(result);
      return result;
    } catch (error) {
      outcome = error;
      run.finish(undefined, error);
      throw error;
    } finally {
      flight.leave(outcome);
    }
  }

  #streamHit(request: ChatRequest, entry: CacheEntry): RouterStream {
    const run = this.#hooks.open(request, true);
    const result = hitResult(entry);
    this.#served(run, entry, false);
    return feedStream({
      feed: replayFeed(replayEvents(entry)),
      signal: request.signal,
      deadline: Infinity,
      clock: this.#state.options.clock,
      deadlineError: () => run.deadlineError(),
      result: () => result,
      onEnd: (value, error) => run.finish(value, error),
    });
  }

  #streamLead(flight: Flight, request: ChatRequest, status: CacheStatus): RouterStream {
    const { run } = flight;
    flight.join();
    return feedStream({
      feed: flight,
      signal: request.signal,
      deadline: Infinity,
      clock: this.#state.options.clock,
      deadlineError: () => run.deadlineError(),
      result: () => {
        const result = flight.result as ChatResult;
        result.cache = status;
        return result;
      },
      onEnd: (value, error) => {
        flight.leave(error);
        run.finish(value, error);
      },
    });
  }

  #streamFollow(flight: Flight, request: ChatRequest): RouterStream {
    const run = this.#hooks.open(request, true);
    flight.join();
    return feedStream({
      feed: flight,
      signal: request.signal,
      deadline: run.deadline,
      clock: this.#state.options.clock,
      deadlineError: () => run.deadlineError(),
      result: () => {
        const shared = flight.result as ChatResult;
        this.#served(run, shared, true);
        return sharedResult(shared);
      },
      onEnd: (value, error) => {
        flight.leave(error);
        run.finish(value, error);
      },
    });
  }

  /**
   * Starts the one provider call identical requests share. It runs on its own signal (a waiter's
   * abort must not end it for the others) and with the first request's deadline.
   */
  #launch(request: ChatRequest, plan: Plan, stream: boolean): Flight {
    const controller = new AbortController();
    const run = this.#hooks.open({ ...request, signal: controller.signal }, stream);
    this.#stats.misses++;
    const flight = new Flight(run, controller);
    const name = `${stream ? 's' : 'c'}:${plan.key}`;
    if (plan.mode === 'default') this.#flights.set(name, flight);
    const work = stream
      ? pump(flight)
      : runAttempts(run, chatAttempt, undefined).then((result) => ({ result }));
    work
      .then(
        (answer) => {
          flight.succeed(answer.result);
          // Identical requests keep joining this flight until the answer is stored.
          if (plan.mode !== 'no-store') return this.#store(plan, answer);
        },
        (error: unknown) => flight.fail(error),
      )
      .finally(() => {
        if (this.#flights.get(name) === flight) this.#flights.delete(name);
      });
    return flight;
  }

  #served(
    run: RequestRun,
    answer: { provider: string; model: string; costUsd: number },
    coalesced: boolean,
  ): void {
    if (coalesced) this.#stats.coalesced++;
    else this.#stats.hits++;
    const savedUsd = answer.costUsd;
    this.#stats.savedUsd += savedUsd;
    const hub = this.#state.hub;
    if (hub.has('cache-hit'))
      hub.emit('cache-hit', {
        requestId: run.id,
        provider: answer.provider,
        model: answer.model,
        stream: run.stream,
        coalesced,
        savedUsd,
      });
  }

  #lookup(plan: Plan): MaybePromise<Looked> {
    let value: MaybePromise<string | undefined>;
    try {
      value = this.#cache.get(plan.key);
    } catch (error) {
      return this.#unreachable(error);
    }
    if (isPromise(value))
      return value.then(
        (found) => this.#found(found, plan),
        (error: unknown) => this.#unreachable(error),
      );
    return this.#found(value, plan);
  }

  #found(value: string | undefined, plan: Plan): Looked {
    this.#reachable();
    if (value === undefined) return MISS;
    const entry = decodeEntry(value, plan.canonical);
    if (!entry)
      this.#state.options.logger.debug?.('response cache: an entry did not decode; treated as a miss', {
        key: plan.key,
      });
    return entry ? { entry, status: 'hit' } : MISS;
  }

  #store(plan: Plan, answer: Answer): Promise<void> | undefined {
    if (!isStorable(answer.result)) return undefined;
    try {
      const done = this.#cache.set(
        plan.key,
        encodeEntry(plan.canonical, answer.result, answer.events),
        plan.ttlMs,
      );
      if (isPromise(done))
        return done.then(
          () => this.#reachable(),
          (error: unknown) => {
            this.#unreachable(error);
          },
        );
      this.#reachable();
    } catch (error) {
      this.#unreachable(error);
    }
    return undefined;
  }

  #reachable(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#state.options.logger.debug?.('response cache reachable again');
  }

  #unreachable(error: unknown): Looked {
    if (!this.#down) {
      this.#down = true;
      const message = error instanceof Error ? error.message : String(error);
      this.#state.options.logger.warn('response cache unreachable: requests go on without it', {
        error: redact(message),
      });
    }
    return BYPASS;
  }
}

const MISS: Looked = { entry: undefined, status: 'miss' };
const BYPASS: Looked = { entry: undefined, status: 'bypass' };

function planOf(request: ChatRequest): Plan {
  const control = request.cache === false ? undefined : request.cache;
  const canonical = canonicalRequest(request);
  return { canonical, key: cacheKey(canonical), mode: control?.mode ?? 'default', ttlMs: control?.ttlMs };
}

function notCached(): CacheMissError {
  return new CacheMissError("No cached answer for this request (cache mode 'only-if-cached')");
}

function waitFor(
  flight: Flight,
  request: ChatRequest,
  deadline: number,
  run: RequestRun,
): Promise<ChatResult> {
  return waitOwn(flight.done, request.signal, deadline, run.state.options.clock, () => run.deadlineError());
}

/** Reads a stream flight to its end, relaying every event to the flight's waiters. */
async function pump(flight: Flight): Promise<Answer> {
  const events: StoredEvent[] = [];
  const end = {
    settle(result: ChatResult) {
      // Set before `finish` is relayed: a waiter reading `finish` reads the result.
      flight.result = result;
    },
    // A failure reaches the flight's waiters as this loop's rejection.
    fail() {},
    ended() {},
  };
  for await (const event of deliver(flight.run, end)) {
    if (event.type === 'text-delta' || event.type === 'tool-call-delta' || event.type === 'tool-call')
      events.push(event);
    flight.push(event);
  }
  return { result: flight.result as ChatResult, events };
}
