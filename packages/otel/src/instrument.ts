import {
  type Context,
  context,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { AttemptScope, ChatRequest, Router, RouterEventName, RouterEvents } from '@spillway/core';
import { inputMessages, outputMessages, systemInstructions } from './content.js';
import { MetricAttributeSets } from './metric-attributes.js';
import { RouterMetrics } from './router-metrics.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_SPILLWAY_ATTEMPT,
  ATTR_SPILLWAY_ATTEMPTS,
  ATTR_SPILLWAY_CACHE,
  ATTR_SPILLWAY_COST_USD,
  ATTR_SPILLWAY_FAILURE,
  ATTR_SPILLWAY_FALLBACKS,
  ATTR_SPILLWAY_FROM_PROVIDER,
  ATTR_SPILLWAY_HEDGE,
  ATTR_SPILLWAY_MODEL,
  ATTR_SPILLWAY_PROVIDER,
  ATTR_SPILLWAY_REQUEST_ID,
  ATTR_SPILLWAY_STATUS,
  ATTR_SPILLWAY_STREAM,
  ATTR_SPILLWAY_TENANT,
  ATTR_SPILLWAY_TO_PROVIDER,
  ATTR_SPILLWAY_WAITED_MS,
  GEN_AI_OPERATION_CHAT,
  type SemconvMode,
  semconvMode,
} from './semconv.js';

export type InstrumentOptions = {
  /** Default: the global tracer provider (a no-op until the application registers an SDK). */
  tracerProvider?: TracerProvider;
  /** Default: the global meter provider. */
  meterProvider?: MeterProvider;
  /**
   * Record prompts and answers on the request span (`gen_ai.input.messages`,
   * `gen_ai.output.messages`, `gen_ai.system_instructions`). Off by default: they may hold personal
   * data. API keys are never recorded either way.
   */
  recordContent?: boolean;
  /** Metric names to emit. Default: from OTEL_SEMCONV_STABILITY_OPT_IN (`gen_ai_latest_experimental`), else v1.41. */
  semconv?: SemconvMode;
  /** `gen_ai.provider.name` for a router provider name. Default: the well-known name for the built-in kinds. */
  providerName?: (provider: string) => string;
};

const SCOPE = '@spillway/otel';
// Requests whose stream nobody reads or awaits never finish; beyond this many open spans the oldest ends.
const MAX_OPEN_REQUESTS = 10_000;

const WELL_KNOWN: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  groq: 'groq',
  google: 'gcp.gemini',
  gemini: 'gcp.gemini',
};
const defaultProviderName = (provider: string) => WELL_KNOWN[provider] ?? provider;
const CACHE_HIT_ATTRIBUTES = Object.freeze({ [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_CHAT });

/** What is open for one request between its start and finish events. */
type OpenRequest = {
  span: Span;
  /** The span is sampled: attributes are worth setting (an unsampled span drops them). */
  recording: boolean;
  context: Context;
  requestModel: string | undefined;
  attempt: Span | undefined;
  /** The attempt span's context, made when an adapter call first runs in it. */
  attemptContext: Context | undefined;
  /** A hedge racing `attempt` (router option `hedge`): its own span, number and context. */
  hedge: Span | undefined;
  hedgeNumber: number;
  hedgeContext: Context | undefined;
  fallbacks: number;
};

function requestedModel(model: ChatRequest['model']): string | undefined {
  const first = Array.isArray(model) ? model[0] : model;
  return first === undefined ? undefined : typeof first === 'string' ? first : first.model;
}

/**
 * Traces and measures every request of `router` through OpenTelemetry: a `chat {model}` CLIENT span
 * per request (a child of the caller's active span) with one child span per attempt, and the GenAI
 * client metrics plus `spillway.*` ones. Returns a function that stops it.
 */
export function instrument(router: Router, options: InstrumentOptions = {}): () => void {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const mode = options.semconv ?? semconvMode();
  const meters = new RouterMetrics(meter, mode, () => router.stats());
  const providerName = options.providerName ?? defaultProviderName;
  const attributeSets = new MetricAttributeSets(providerName);
  const cacheWriteAttribute =
    mode === 'latest'
      ? ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS
      : ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS;
  const recordContent = options.recordContent === true;
  const open = new Map<string, OpenRequest>();

  function endAttempt(entry: OpenRequest): void {
    // The caller aborted it (or the request ended some other way before an answer).
    if (entry.attempt) {
      entry.attempt.setAttribute(ATTR_SPILLWAY_FAILURE, 'cancelled');
      entry.attempt.end();
      entry.attempt = undefined;
      entry.attemptContext = undefined;
    }
    if (entry.hedge) {
      entry.hedge.setAttribute(ATTR_SPILLWAY_FAILURE, 'cancelled');
      entry.hedge.end();
      entry.hedge = undefined;
      entry.hedgeContext = undefined;
    }
  }

  const onStart = (event: RouterEvents['request-start']) => {
    const { request } = event;
    const requestModel = requestedModel(request.model);
    const parent = context.active();
    // Attributes are set one by one, not passed to startSpan: SDK 2.x copies (sanitizes) startSpan's
    // attributes twice before setting them, which measured slower (decision 2200).
    const span = tracer.startSpan(
      requestModel === undefined ? GEN_AI_OPERATION_CHAT : `${GEN_AI_OPERATION_CHAT} ${requestModel}`,
      { kind: SpanKind.CLIENT },
      parent,
    );
    // Sampled out: no attribute is kept, so none is built (the request's metrics are recorded anyway).
    const recording = span.isRecording();
    if (recording) {
      span.setAttribute(ATTR_GEN_AI_OPERATION_NAME, GEN_AI_OPERATION_CHAT);
      if (requestModel !== undefined) span.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, requestModel);
      if (request.maxTokens !== undefined)
        span.setAttribute(ATTR_GEN_AI_REQUEST_MAX_TOKENS, request.maxTokens);
      if (request.temperature !== undefined)
        span.setAttribute(ATTR_GEN_AI_REQUEST_TEMPERATURE, request.temperature);
      span.setAttribute(ATTR_SPILLWAY_REQUEST_ID, event.requestId);
      span.setAttribute(ATTR_SPILLWAY_STREAM, event.stream);
      if (event.stream) span.setAttribute(ATTR_GEN_AI_REQUEST_STREAM, true);
      if (typeof event.tenant === 'string') span.setAttribute(ATTR_SPILLWAY_TENANT, event.tenant);
      if (recordContent) {
        const system = systemInstructions(request.messages);
        if (system !== undefined) span.setAttribute(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, system);
        span.setAttribute(ATTR_GEN_AI_INPUT_MESSAGES, inputMessages(request.messages));
      }
    }
    if (event.candidateCount === 0) {
      // The router throws NoEligibleModelError right after this event; no finish follows.
      span.setAttribute(ATTR_ERROR_TYPE, 'no_eligible_model');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'no_eligible_model' });
      span.end();
      return;
    }
    if (open.size >= MAX_OPEN_REQUESTS) {
      const [id, oldest] = open.entries().next().value as [string, OpenRequest];
      endAttempt(oldest);
      oldest.span.setAttribute(ATTR_ERROR_TYPE, 'abandoned');
      oldest.span.end();
      open.delete(id);
    }
    open.set(event.requestId, {
      span,
      recording,
      context: trace.setSpan(parent, span),
      requestModel,
      attempt: undefined,
      attemptContext: undefined,
      hedge: undefined,
      hedgeNumber: 0,
      hedgeContext: undefined,
      fallbacks: 0,
    });
  };

  const onAttemptStart = (event: RouterEvents['attempt-start']) => {
    const entry = open.get(event.requestId);
    if (!entry) return;
    // A hedge runs beside the attempt it hedges, so that one stays open; any other start ends both.
    if (!event.hedge || !entry.attempt) endAttempt(entry);
    // One child per attempt even when the request is not sampled: its context carries the decision
    // to the adapter's own spans (an unsampled child costs no attributes).
    const span = tracer.startSpan(
      `attempt ${event.provider}/${event.model}`,
      { kind: SpanKind.INTERNAL },
      entry.context,
    );
    if (entry.recording) {
      span.setAttribute(ATTR_GEN_AI_PROVIDER_NAME, providerName(event.provider));
      span.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, event.model);
      span.setAttribute(ATTR_SPILLWAY_PROVIDER, event.provider);
      span.setAttribute(ATTR_SPILLWAY_ATTEMPT, event.attempt);
      if (event.hedge) span.setAttribute(ATTR_SPILLWAY_HEDGE, true);
    }
    if (event.hedge && entry.attempt) {
      entry.hedge = span;
      entry.hedgeNumber = event.attempt;
      entry.hedgeContext = undefined;
    } else {
      entry.attempt = span;
      entry.attemptContext = undefined;
    }
  };

  // The adapter's calls run in the attempt span's context: an HTTP client's spans (or a custom
  // adapter's) become its children.
  const inAttempt = <T>(scope: AttemptScope, call: () => T): T => {
    const entry = open.get(scope.requestId);
    if (entry?.hedge && scope.attempt === entry.hedgeNumber) {
      entry.hedgeContext ??= trace.setSpan(entry.context, entry.hedge);
      return context.with(entry.hedgeContext, call);
    }
    if (!entry?.attempt) return call();
    entry.attemptContext ??= trace.setSpan(entry.context, entry.attempt);
    return context.with(entry.attemptContext, call);
  };

  const onAttemptFinish = (event: RouterEvents['attempt-finish']) => {
    const { attempt } = event;
    // Only attempts that waited: most go at once, and a zero per attempt would cost a record each.
    if (attempt.waitedMs)
      meters.queueWait.record(attempt.waitedMs / 1000, {
        [ATTR_SPILLWAY_PROVIDER]: event.provider,
        [ATTR_SPILLWAY_MODEL]: event.model,
      });
    const entry = open.get(event.requestId);
    if (!entry) return;
    // Of two racing attempts, the hedge is the one flagged so.
    const isHedge = attempt.hedge === true && entry.hedge !== undefined;
    const span = isHedge ? entry.hedge : entry.attempt;
    if (!span) return;
    if (isHedge) {
      entry.hedge = undefined;
      entry.hedgeContext = undefined;
    } else {
      // A hedge still running takes the main slot (its scope and finish event find it there).
      entry.attempt = entry.hedge;
      entry.attemptContext = entry.hedgeContext;
      entry.hedge = undefined;
      entry.hedgeContext = undefined;
    }
    if (attempt.outcome === 'cancelled') {
      // Lost a hedged race (we aborted it): not an error of the provider's.
      if (entry.recording) span.setAttribute(ATTR_SPILLWAY_FAILURE, 'cancelled');
    } else if (attempt.outcome === 'success') {
      if (entry.recording) {
        if (attempt.waitedMs) span.setAttribute(ATTR_SPILLWAY_WAITED_MS, attempt.waitedMs);
        span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, event.model);
      }
    } else {
      if (entry.recording) {
        if (attempt.waitedMs) span.setAttribute(ATTR_SPILLWAY_WAITED_MS, attempt.waitedMs);
        if (attempt.status !== undefined) span.setAttribute(ATTR_SPILLWAY_STATUS, attempt.status);
        span.setAttribute(ATTR_SPILLWAY_FAILURE, attempt.outcome);
        span.setAttribute(ATTR_ERROR_TYPE, attempt.outcome);
      }
      // The failure class only: a provider's message may quote the prompt.
      span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.outcome });
    }
    span.end();
  };

  const onFallback = (event: RouterEvents['fallback']) => {
    const entry = open.get(event.requestId);
    if (entry) entry.fallbacks++;
    meters.fallbacks.add(1, {
      [ATTR_SPILLWAY_FAILURE]: event.failure,
      [ATTR_SPILLWAY_FROM_PROVIDER]: event.from.provider,
      [ATTR_SPILLWAY_TO_PROVIDER]: event.to.provider,
    });
  };

  const onRateLimited = (event: RouterEvents['rate-limited']) => {
    meters.rateLimited.add(1, {
      [ATTR_GEN_AI_PROVIDER_NAME]: providerName(event.provider),
      [ATTR_SPILLWAY_PROVIDER]: event.provider,
      [ATTR_SPILLWAY_MODEL]: event.model,
      [ATTR_SPILLWAY_FAILURE]: event.failure,
    });
  };

  const onFirstToken = (event: RouterEvents['first-token']) => {
    const entry = open.get(event.requestId);
    if (!entry) return;
    if (entry.recording)
      entry.span.setAttribute(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, event.ttftMs / 1000);
    const set = attributeSets.get(event.provider, entry.requestModel, event.model, undefined);
    meters.recordTimeToFirstChunk(event.ttftMs, set.base);
  };

  const onFinish = (event: RouterEvents['request-finish']) => {
    const entry = open.get(event.requestId);
    if (!entry) return;
    open.delete(event.requestId);
    endAttempt(entry);
    const { span, recording } = entry;
    const { result, attempts } = event;
    const provider = event.provider ?? attempts.at(-1)?.provider;
    const errorType = event.ok ? undefined : (event.errorCode ?? '_OTHER');
    const set = attributeSets.get(provider, entry.requestModel, result?.model, errorType);
    if (recording) {
      if (provider !== undefined) {
        span.setAttribute(ATTR_GEN_AI_PROVIDER_NAME, providerName(provider));
        span.setAttribute(ATTR_SPILLWAY_PROVIDER, provider);
      }
      span.setAttribute(ATTR_SPILLWAY_ATTEMPTS, attempts.length);
      // Zeros left out, as on the attempt spans: most requests neither fall back nor wait.
      if (entry.fallbacks > 0) span.setAttribute(ATTR_SPILLWAY_FALLBACKS, entry.fallbacks);
      let waitedMs = 0;
      for (const attempt of attempts) waitedMs += attempt.waitedMs ?? 0;
      if (waitedMs > 0) span.setAttribute(ATTR_SPILLWAY_WAITED_MS, waitedMs);
    }
    if (result) {
      const { usage, cache } = result;
      if (recording) {
        span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, result.model);
        span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [result.finishReason]);
        if (result.requestId !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, result.requestId);
        span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
        span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
        if (usage.cachedInputTokens !== undefined)
          span.setAttribute(ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cachedInputTokens);
        if (usage.cacheWriteInputTokens !== undefined)
          span.setAttribute(cacheWriteAttribute, usage.cacheWriteInputTokens);
        if (usage.reasoningTokens !== undefined)
          span.setAttribute(ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningTokens);
        span.setAttribute(ATTR_SPILLWAY_COST_USD, result.costUsd);
        if (typeof cache === 'string') span.setAttribute(ATTR_SPILLWAY_CACHE, cache);
        if (recordContent) span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, outputMessages(result));
      }
      if (cache === 'hit') meters.cacheHits.add(1, CACHE_HIT_ATTRIBUTES);
      // A cache hit used no tokens: recording its zeros would skew the per-request distribution.
      else meters.recordTokens(usage, set);
    }
    if (errorType !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
    }
    meters.recordDuration(event.durationMs, set.base);
    span.end();
  };

  const subscriptions = [
    on(router, 'request-start', onStart),
    on(router, 'attempt-start', onAttemptStart),
    on(router, 'attempt-finish', onAttemptFinish),
    on(router, 'fallback', onFallback),
    on(router, 'rate-limited', onRateLimited),
    on(router, 'first-token', onFirstToken),
    on(router, 'request-finish', onFinish),
    router.wrapAttempts(inAttempt),
  ];

  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    for (const off of subscriptions) off();
    meters.dispose();
    for (const entry of open.values()) {
      endAttempt(entry);
      entry.span.end();
    }
    open.clear();
  };
}

const on = <K extends RouterEventName>(router: Router, name: K, listener: (event: RouterEvents[K]) => void) =>
  router.on(name, listener);
