import type { FailureClass } from '../failure.js';
import { redact } from '../redact.js';
import { COOLDOWN_DEFAULTS } from '../resilience/cooldown-policy.js';
import type { ChatRequest, ModelRef } from '../types.js';
import { watchAlerts } from './alerts.js';
import { AttemptWrappers } from './attempt-wrappers.js';
import type { CandidateGate, GateFactory } from './candidate-gate.js';
import { CloseSignals } from './close-signals.js';
import { EventHub } from './events.js';
import type { ResolvedOptions } from './options.js';
import { matchesRef, type Offer, type Ranking, rank } from './rank.js';
import { ModelCounters } from './stats.js';
import { TenantBook } from './tenant-stats.js';
import type { Turn } from './turn.js';
import { WatchdogTimer } from './watchdog.js';

/** What lives for the router's life and every request reads: offers, health marks, counters, events. */
export class RouterState {
  readonly options: ResolvedOptions;
  readonly offers: Offer[];
  readonly hub: EventHub;
  readonly gate: CandidateGate;
  readonly counters = new Map<string, ModelCounters>();
  readonly tenants = new TenantBook();
  readonly disabledProviders = new Map<string, string>();
  readonly unavailableModels = new Map<string, string>();
  /** The longest any rate limit may cool a model down (`cooldown.maxMs`), Retry-After included. */
  readonly cooldownMaxMs: number;
  /** Every attempt in flight (router.close() aborts them). */
  readonly inFlight = new Set<Turn>();
  /** The signals of calls nothing else can abort, so close() ends their connections too. */
  readonly closeSignals = new CloseSignals();
  /** The one timer behind every stream's first-token and stall watchdogs. */
  readonly watchdogs: WatchdogTimer;
  /** What `router.wrapAttempts` registered (instrumentation that runs adapter calls in its context). */
  readonly attemptWrappers: AttemptWrappers;
  closed = false;
  /** Models whose adapter threw a non-ProviderError, already logged (once each). */
  readonly adapterErrorsLogged = new Set<string>();
  #nextId = 1;

  constructor(options: ResolvedOptions, createGate: GateFactory) {
    this.options = options;
    this.hub = new EventHub(options.logger);
    this.watchdogs = new WatchdogTimer(options.clock);
    this.attemptWrappers = new AttemptWrappers(options.logger);
    this.cooldownMaxMs = options.raw.cooldown?.maxMs ?? COOLDOWN_DEFAULTS.maxMs;
    this.gate = createGate({ options, emit: this.hub.emit });
    if (options.alerts.length) watchAlerts(this.hub, options.clock, options.alerts);
    this.offers = options.providers.flatMap((adapter) =>
      adapter.models.map((spec) => ({
        key: `${adapter.name}/${spec.id}`,
        provider: adapter.name,
        model: spec.id,
        adapter,
        spec,
      })),
    );
    for (const offer of this.offers) this.counters.set(offer.key, new ModelCounters());
  }

  nextRequestId(): string {
    return `req_${(this.#nextId++).toString(36)}`;
  }

  countersOf(offer: Offer): ModelCounters {
    return this.counters.get(offer.key) as ModelCounters;
  }

  isOffered = (ref: ModelRef): boolean => this.offers.some((offer) => matchesRef(offer, ref));

  unavailable = (offer: Offer): string | undefined => {
    const disabled = this.disabledProviders.get(offer.provider);
    if (disabled !== undefined) return `provider disabled after an auth failure: ${disabled}`;
    const gone = this.unavailableModels.get(offer.key);
    return gone === undefined ? undefined : `model unavailable (not_found): ${gone}`;
  };

  rank(request: ChatRequest, stream = false): Ranking {
    return rank({
      stream,
      offers: this.offers,
      request,
      strategy: this.options.strategy,
      expectedOutputTokens: this.options.expectedOutputTokens,
      unavailable: this.unavailable,
      latency: this.#latency,
    });
  }

  readonly #latency = (offer: Offer): number | undefined => this.countersOf(offer).ewmaMs;

  /** auth: the key is wrong for this provider; no request should try it again until reconfigured. */
  disableProvider(provider: string, failure: FailureClass, message: string): void {
    if (this.disabledProviders.has(provider)) return;
    const safe = redact(message);
    this.disabledProviders.set(provider, safe);
    this.options.logger.warn(`provider "${provider}" disabled for this router's life after ${failure}`, {
      provider,
      message: safe,
    });
    this.hub.emit('provider-disabled', { provider, failure, message: safe });
  }

  markUnavailable(offer: Offer, message: string): void {
    if (this.unavailableModels.has(offer.key)) return;
    const safe = redact(message);
    this.unavailableModels.set(offer.key, safe);
    this.options.logger.warn(`model "${offer.model}" of "${offer.provider}" marked unavailable (not_found)`, {
      provider: offer.provider,
      model: offer.model,
    });
    this.hub.emit('model-unavailable', { provider: offer.provider, model: offer.model, message: safe });
  }
}
