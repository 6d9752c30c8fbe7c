import { CacheFront } from '../cache/cache-front.js';
import { ConfigError } from '../errors.js';
import { createResilienceGate } from '../resilience/resilience-gate.js';
import type { ChatRequest, ChatResult } from '../types.js';
import { runAttempts } from './attempt-loop.js';
import type { AttemptWrapper } from './attempt-wrappers.js';
import type { GateFactory } from './candidate-gate.js';
import { chatAttempt } from './chat-attempt.js';
import type { Listener, RouterEventName } from './events.js';
import { failedStream } from './failed-stream.js';
import type { RouterOptions } from './options.js';
import { RequestRun, routerClosed } from './request-run.js';
import { RouterState } from './router-state.js';
import { createStream } from './router-stream.js';
import { type ModelStats, type ProviderStats, type RouterStats, sumCounters } from './stats.js';
import type { RouterStream } from './stream-types.js';
import type { TenantStats } from './tenant-stats.js';
import { resolveOptions } from './validate-options.js';
import { validateRequest } from './validate-request.js';

export interface Router {
  /** Sends one request to the best candidate, falling back until one answers or the request must end. */
  chat(request: ChatRequest): Promise<ChatResult>;
  /**
   * Streams one request. Before the first content event, failures fall back like chat(); after it, a
   * cut, stall or in-band error ends the stream with StreamInterruptedError (partial text kept).
   * Never throws: an invalid request (nothing is sent) rejects the iteration and `result` alike.
   */
  stream(request: ChatRequest): RouterStream;
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends RouterEventName>(name: K, listener: Listener<K>): () => void;
  /**
   * For instrumentation: runs every adapter call (`doGenerate`, `doStream`, each read of a stream)
   * through `wrapper`, which calls it once and returns what it returns, e.g. inside the attempt
   * span's context so the spans an HTTP client or a custom adapter makes nest under the attempt.
   * Wrappers nest in the order they were added. Returns a function that removes it.
   */
  wrapAttempts(wrapper: AttemptWrapper): () => void;
  /** Counters per provider and model. */
  stats(): RouterStats;
  /**
   * Aborts every call in flight (their requests reject with an AbortError), rejects queued requests
   * and closes every adapter; later requests reject with ConfigError.
   */
  close(): Promise<void>;
}

/** Builds a router. Throws ConfigError naming the field when an option is wrong. */
export function createRouter(options: RouterOptions): Router {
  return buildRouter(options, createResilienceGate);
}

/** The router with a chosen gate (resilience plugs in here). */
export function buildRouter(options: RouterOptions, createGate: GateFactory): Router {
  const state = new RouterState(resolveOptions(options), createGate);
  for (const adapter of state.options.providers) adapter.setLogger?.(state.options.logger);

  const validate = (request: ChatRequest) => {
    if (state.closed) throw new ConfigError('router is closed; create a new one');
    validateRequest(request, state.isOffered);
  };
  const open = (request: ChatRequest, stream: boolean) => new RequestRun(state, request, stream);
  const cache = options.cache;
  const front = cache && new CacheFront(state, cache, { validate, open });
  // With a cache configured, a request that opts out says so on its result.
  const bypass = front ? 'bypass' : undefined;

  function start(request: ChatRequest, stream: boolean): RequestRun {
    validate(request);
    return open(request, stream);
  }

  return {
    async chat(request) {
      if (front && request?.cache !== false) return front.chat(request);
      const run = start(request, false);
      try {
        const result = await runAttempts(run, chatAttempt, undefined);
        if (bypass) result.cache = bypass;
        run.finish(result);
        return result;
      } catch (error) {
        run.finish(undefined, error);
        throw error;
      }
    },

    stream(request) {
      let run: RequestRun;
      try {
        if (front && request?.cache !== false) return front.stream(request);
        run = start(request, true);
      } catch (error) {
        return failedStream(error);
      }
      return createStream(run, (result, error) => {
        if (result && bypass) result.cache = bypass;
        run.finish(result, error);
      });
    },

    on: (name, listener) => state.hub.on(name, listener),

    wrapAttempts: (wrapper) => state.attemptWrappers.add(wrapper),

    stats() {
      const now = state.options.clock.now();
      const providers: Record<string, ProviderStats> = {};
      for (const adapter of state.options.providers) {
        const models: Record<string, ModelStats> = {};
        for (const offer of state.offers) {
          if (offer.adapter !== adapter) continue;
          models[offer.model] = {
            provider: offer.provider,
            model: offer.model,
            available: state.unavailable(offer) === undefined,
            ...state.countersOf(offer).snapshot(),
            ...state.gate.inspect?.(offer, now),
          };
        }
        providers[adapter.name] = {
          provider: adapter.name,
          disabled: state.disabledProviders.has(adapter.name),
          ...sumCounters(Object.values(models)),
          models,
        };
      }
      const tenants: Record<string, TenantStats> = {};
      for (const tally of state.tenants.values()) {
        const stats = tally.snapshot();
        const budget = state.gate.inspectTenant?.(tally.id, now);
        if (budget) stats.budget = budget;
        tenants[tally.id] = stats;
      }
      const result: RouterStats = front
        ? { providers, tenants, cache: front.stats() }
        : { providers, tenants };
      const budgets = state.gate.budgets?.(now);
      if (budgets) result.budgets = budgets;
      return result;
    },

    async close() {
      if (state.closed) return;
      state.closed = true;
      // Every call in flight ends now (its request rejects with an AbortError); queued ones via the gate.
      const reason = routerClosed();
      for (const turn of [...state.inFlight]) turn.abort(reason);
      state.closeSignals.abortAll(reason);
      const closing = state.options.providers.map((adapter) => adapter.close?.());
      await Promise.allSettled([...closing, state.gate.close?.()]);
    },
  };
}
