import type {
  Attributes,
  BatchObservableResult,
  Counter,
  Histogram,
  Meter,
  Observable,
  ObservableGauge,
} from '@opentelemetry/api';
import type { RouterStats, Usage } from '@spillway/core';
import type { AttributeSet } from './metric-attributes.js';
import {
  ATTR_SPILLWAY_BUDGET,
  ATTR_SPILLWAY_LIMIT_DIMENSION,
  ATTR_SPILLWAY_MODEL,
  ATTR_SPILLWAY_PROVIDER,
  ATTR_SPILLWAY_TENANT,
  DURATION_BUCKETS,
  METRIC_NAMES,
  type SemconvMode,
  TOKEN_BUCKETS,
} from './semconv.js';

const CIRCUIT_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Every instrument `instrument()` records into; the observable ones read `router.stats()` when collected. */
export class RouterMetrics {
  readonly #mode: SemconvMode;
  readonly #duration: Histogram;
  readonly #timeToFirstChunk: Histogram;
  readonly #tokenUsage: Histogram | undefined;
  readonly #inputTokens: Counter | undefined;
  readonly #outputTokens: Counter | undefined;
  readonly #cacheReadTokens: Counter | undefined;
  readonly #cacheWriteTokens: Counter | undefined;
  readonly #operationInputTokens: Histogram | undefined;
  readonly #operationOutputTokens: Histogram | undefined;
  readonly fallbacks: Counter;
  readonly rateLimited: Counter;
  readonly queueWait: Histogram;
  readonly cacheHits: Counter;
  readonly #observables: Observable[];
  readonly #observe: (result: BatchObservableResult) => void;
  readonly #meter: Meter;

  constructor(meter: Meter, mode: SemconvMode, stats: () => RouterStats) {
    this.#meter = meter;
    this.#mode = mode;
    const names = METRIC_NAMES[mode];
    const seconds = { unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS } };
    const tokens = { unit: '{token}', advice: { explicitBucketBoundaries: TOKEN_BUCKETS } };
    this.#duration = meter.createHistogram(names.duration, {
      ...seconds,
      description: 'How long a router request took, every attempt and wait included.',
    });
    this.#timeToFirstChunk = meter.createHistogram(names.timeToFirstChunk, {
      ...seconds,
      description: "Time from a stream request's start to its first content chunk.",
    });
    if (mode === 'v1.41') {
      this.#tokenUsage = meter.createHistogram(METRIC_NAMES['v1.41'].tokenUsage, {
        ...tokens,
        description:
          'Tokens used per request, by gen_ai.token.type (input, output); the cache reads and writes ' +
          'within the input by spillway.token.type (cache_read, cache_write).',
      });
    } else {
      const latest = METRIC_NAMES.latest;
      this.#inputTokens = meter.createCounter(latest.inputTokens, {
        unit: '{token}',
        description: 'Input tokens used, cached ones included.',
      });
      this.#outputTokens = meter.createCounter(latest.outputTokens, {
        unit: '{token}',
        description: 'Output tokens used.',
      });
      this.#cacheReadTokens = meter.createCounter(latest.cacheReadInputTokens, {
        unit: '{token}',
        description: "Input tokens served from the provider's prompt cache.",
      });
      this.#cacheWriteTokens = meter.createCounter(latest.cacheWriteInputTokens, {
        unit: '{token}',
        description: "Input tokens written to the provider's prompt cache.",
      });
      this.#operationInputTokens = meter.createHistogram(latest.operationInputTokens, {
        ...tokens,
        description: 'Input tokens per request.',
      });
      this.#operationOutputTokens = meter.createHistogram(latest.operationOutputTokens, {
        ...tokens,
        description: 'Output tokens per request.',
      });
    }
    this.fallbacks = meter.createCounter('spillway.fallbacks', {
      unit: '{fallback}',
      description: 'Times a request moved on from a failed model to another one.',
    });
    this.rateLimited = meter.createCounter('spillway.rate_limited', {
      unit: '{attempt}',
      description: 'Attempts a provider answered with a 429 (rate limit or quota) that the router absorbed.',
    });
    this.queueWait = meter.createHistogram('spillway.queue.wait', {
      ...seconds,
      description:
        'Time an attempt waited for capacity (or backoff) before it was sent; only attempts that waited.',
    });
    this.cacheHits = meter.createCounter('spillway.cache.hits', {
      unit: '{request}',
      description: "Requests answered from the router's response cache.",
    });
    const cooldowns = meter.createObservableGauge('spillway.cooldowns.active', {
      unit: '{model}',
      description: 'Models of a provider cooling down after a 429 right now.',
    });
    const circuit = meter.createObservableGauge('spillway.circuit.state', {
      unit: '1',
      description: "A model's circuit breaker: 0 closed, 1 half-open, 2 open.",
    });
    const limitRemaining = meter.createObservableGauge('spillway.limit.remaining', {
      unit: '1',
      description: "What is left of a model's RPM/TPM bucket, by dimension (requests or tokens).",
    });
    const budgetRemaining = meter.createObservableGauge('spillway.budget.remaining', {
      unit: 'USD',
      description: 'What is left of a spend budget in its current window.',
    });
    this.#observables = [cooldowns, circuit, limitRemaining, budgetRemaining];
    this.#observe = (result) =>
      observeStats(result, stats(), { cooldowns, circuit, limitRemaining, budgetRemaining });
    meter.addBatchObservableCallback(this.#observe, this.#observables);
  }

  /** Duration of a request; `attributes` carry error.type when it failed. */
  recordDuration(ms: number, attributes: Attributes): void {
    this.#duration.record(ms / 1000, attributes);
  }

  recordTimeToFirstChunk(ms: number, attributes: Attributes): void {
    this.#timeToFirstChunk.record(ms / 1000, attributes);
  }

  recordTokens(usage: Usage, set: AttributeSet): void {
    const { inputTokens, outputTokens, cachedInputTokens, cacheWriteInputTokens } = usage;
    if (this.#mode === 'v1.41') {
      const histogram = this.#tokenUsage as Histogram;
      histogram.record(inputTokens, set.input);
      histogram.record(outputTokens, set.output);
      // Only when reported: a zero would skew the distribution and costs a record.
      if (cachedInputTokens) histogram.record(cachedInputTokens, set.cacheRead);
      if (cacheWriteInputTokens) histogram.record(cacheWriteInputTokens, set.cacheWrite);
      return;
    }
    const attributes = set.base;
    this.#inputTokens?.add(inputTokens, attributes);
    this.#outputTokens?.add(outputTokens, attributes);
    if (cachedInputTokens) this.#cacheReadTokens?.add(cachedInputTokens, attributes);
    if (cacheWriteInputTokens) this.#cacheWriteTokens?.add(cacheWriteInputTokens, attributes);
    this.#operationInputTokens?.record(inputTokens, attributes);
    this.#operationOutputTokens?.record(outputTokens, attributes);
  }

  dispose(): void {
    this.#meter.removeBatchObservableCallback(this.#observe, this.#observables);
  }
}

type Gauges = {
  cooldowns: ObservableGauge;
  circuit: ObservableGauge;
  limitRemaining: ObservableGauge;
  budgetRemaining: ObservableGauge;
};

function observeStats(result: BatchObservableResult, stats: RouterStats, gauges: Gauges): void {
  for (const provider of Object.values(stats.providers)) {
    let cooling = 0;
    for (const model of Object.values(provider.models)) {
      const target = { [ATTR_SPILLWAY_PROVIDER]: provider.provider, [ATTR_SPILLWAY_MODEL]: model.model };
      // stats() lists cooldownUntil only while the cooldown lasts.
      if (model.cooldownUntil !== undefined) cooling++;
      if (model.circuit) result.observe(gauges.circuit, CIRCUIT_VALUES[model.circuit], target);
      for (const [dimension, level] of Object.entries(model.budget ?? {}))
        if (level)
          result.observe(gauges.limitRemaining, level.available, {
            ...target,
            [ATTR_SPILLWAY_LIMIT_DIMENSION]: dimension,
          });
    }
    result.observe(gauges.cooldowns, cooling, { [ATTR_SPILLWAY_PROVIDER]: provider.provider });
  }
  // A budget per label (`daily`, `per-tenant:acme`, `tenant:acme/monthly`), with its tenant when it has one.
  for (const [label, budget] of Object.entries(stats.budgets ?? {})) {
    const attributes: Attributes = { [ATTR_SPILLWAY_BUDGET]: label };
    const tenant = budget.tenant ?? (budget.scope === 'tenant' ? budget.instance : undefined);
    if (tenant !== undefined) attributes[ATTR_SPILLWAY_TENANT] = tenant;
    result.observe(gauges.budgetRemaining, budget.remainingUsd, attributes);
  }
}
