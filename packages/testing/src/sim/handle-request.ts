import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultPlan } from './fault-plan.js';
import type { PromptCache } from './prompt-cache.js';
import { type BucketName, type Charge, isDenial, type RateLimiter } from './rate-limiter.js';
import { type ChatRequest, planReply } from './reply-plan.js';
import { type Pending, sendJson, sendStream } from './send-reply.js';
import { countOutcome, modelStats, type SimStats } from './sim-stats.js';
import type { SimLatency, SimScriptStep } from './types.js';
import { isSimError, type SimError, type Wire } from './wire.js';

/** Everything one simulated server shares between requests. */
export type SimContext = {
  wire: Wire;
  apiKey: string;
  seed: number;
  now: () => number;
  limiter: RateLimiter;
  faults: FaultPlan;
  latency: SimLatency;
  /** Draws which calls fall into `latency.slow`. */
  slowDraw: () => number;
  /** Known models and their context windows; undefined serves any model. */
  models: Map<string, number> | undefined;
  replyTokens: number | [number, number];
  /** Undefined when the options turned prompt caching off. */
  promptCache: PromptCache | undefined;
  stats: SimStats;
  pending: Pending;
  counter: number;
};

/** One request being answered. */
type Exchange = {
  context: SimContext;
  response: ServerResponse;
  headers: Record<string, string>;
  requestId: string;
  number: number;
};

/** An error answer and how to count it. Rate-limit answers carry the limit and retry headers. */
type Failure = {
  error: SimError;
  outcome: string;
  model?: string;
  rateLimit?: { retryAfterMs?: number; omitHeaders?: boolean };
  shouldRetry?: boolean;
};

const STREAM_TYPE = 'text/event-stream; charset=utf-8';

export function handleRequest(context: SimContext, request: IncomingMessage, response: ServerResponse): void {
  const stats = context.stats;
  stats.inFlight++;
  if (stats.inFlight > stats.peakConcurrency) stats.peakConcurrency = stats.inFlight;
  response.once('close', () => {
    context.stats.inFlight--;
  });
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const number = ++context.counter;
    const requestId = `req_sim${context.seed.toString(16)}x${number.toString(36).padStart(6, '0')}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (context.wire.requestIdHeader) headers[context.wire.requestIdHeader] = requestId;
    const exchange: Exchange = { context, response, headers, requestId, number };
    try {
      const raw = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
      const failure = respond(exchange, request, raw);
      if (failure) sendFailure(exchange, failure);
    } catch (error) {
      // A bug in the simulator must still answer, or the client would hang.
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`simulator error: ${(error as Error).message}`);
    }
  });
}

/** Answers the request, or returns the failure to send. */
function respond(exchange: Exchange, request: IncomingMessage, raw: string): Failure | undefined {
  const { context, response, headers } = exchange;
  const { wire, stats } = context;
  const path = (request.url ?? '/').split('?', 1)[0]!;
  const route = request.method === 'POST' ? wire.route(path) : undefined;
  if (!route) return { error: { kind: 'routeNotFound', path }, outcome: 'routeNotFound' };
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    const message = 'We could not parse the JSON body of your request.';
    return { error: { kind: 'invalid', message }, outcome: 'invalid' };
  }
  const key = wire.apiKey(request.headers);
  if (route === 'countTokens') {
    const counted = key === context.apiKey ? wire.countTokens(body, path) : ({ kind: 'auth' } as const);
    if (isSimError(counted)) return { error: counted, outcome: counted.kind };
    response.writeHead(200, headers).end(counted);
    return undefined;
  }

  stats.requests++;
  if (Number(request.headers['x-stainless-retry-count']) > 0) stats.retries++;
  stats.lastRequest = { path, body };
  const step = context.faults.next();
  const model = wire.model(body, path);
  if (key !== context.apiKey || step.outcome === 'authError')
    return { error: { kind: 'auth' }, outcome: 'auth', model };
  const parsed = wire.parseChat(body, path);
  if (isSimError(parsed)) return { error: parsed, outcome: 'invalid', model };
  const contextWindow = context.models?.get(parsed.model);
  if ((context.models && contextWindow === undefined) || step.outcome === 'modelNotFound') {
    return { error: { kind: 'modelNotFound', model: parsed.model }, outcome: 'modelNotFound', model };
  }
  const needed = parsed.promptTokens + (wire.contextIncludesMaxTokens ? (parsed.maxTokens ?? 0) : 0);
  if (needed > (contextWindow ?? Number.POSITIVE_INFINITY) || step.outcome === 'contextLength') {
    const window = contextWindow ?? 200_000;
    const promptTokens = Math.max(parsed.promptTokens, step.outcome === 'contextLength' ? window + 1 : 0);
    return {
      error: { kind: 'contextLength', promptTokens, contextWindow: window },
      outcome: 'contextLength',
      model,
    };
  }
  const admitted = context.limiter.admit(parsed.model, parsed.promptTokens, parsed.maxTokens);
  if (isDenial(admitted)) {
    return {
      error: { kind: 'rateLimit', model: parsed.model, denial: admitted },
      outcome: 'rateLimit',
      model,
      rateLimit: {
        retryAfterMs: admitted.tooLarge ? undefined : admitted.retryAfterMs,
        omitHeaders: context.limiter.limits.omitHeadersOn429,
      },
    };
  }
  if (step.outcome !== 'ok') {
    const failure = forcedFailure(exchange, parsed, step);
    if (failure && failure !== 'continue' && step.shouldRetry !== undefined)
      failure.shouldRetry = step.shouldRetry;
    if (failure !== 'continue') return failure;
  }
  reply(exchange, parsed, admitted, step);
  return undefined;
}

/** Outcomes decided before any answer is generated. */
function forcedFailure(
  exchange: Exchange,
  request: ChatRequest,
  step: SimScriptStep,
): Failure | undefined | 'continue' {
  const { context, response } = exchange;
  const model = request.model;
  switch (step.outcome) {
    case 'rateLimit': {
      const tokens: BucketName = context.wire.metering.tokens === 'total' ? 'tokens' : 'input';
      const bucket: BucketName = step.limitType === 'tokens' ? tokens : 'requests';
      const { limit } = context.limiter.state(model, bucket);
      const retryAfterMs = step.retryAfterMs ?? 1000;
      const denial = { bucket, tooLarge: false, limit, used: limit, requested: 1, retryAfterMs };
      const error: SimError = { kind: 'rateLimit', model, denial };
      return {
        error,
        outcome: 'rateLimit',
        model,
        rateLimit: { retryAfterMs, omitHeaders: step.omitHeaders },
      };
    }
    case 'quota':
      return {
        error: { kind: 'quota', model, limit: context.limiter.state(model, 'requestsDay').limit },
        outcome: 'quota',
        model,
        rateLimit: { omitHeaders: step.omitHeaders },
      };
    case 'serverError':
      return { error: { kind: 'serverError', status: step.status ?? 500 }, outcome: 'serverError', model };
    case 'overloaded':
      return { error: { kind: 'overloaded' }, outcome: 'overloaded', model };
    case 'inbandError':
      // Without a stream there is no band: a plain server error stands in.
      if (request.stream) return 'continue';
      return { error: { kind: 'serverError', status: 500 }, outcome: 'inbandError', model };
    case 'timeout':
    case 'connectionReset':
      // Accept and never answer (the client's timeout, its abort or close() ends it), or drop the socket.
      countOutcome(context.stats, step.outcome);
      modelStats(context.stats, model).requests++;
      if (step.outcome === 'connectionReset') response.socket?.destroy();
      return undefined;
    default:
      return 'continue';
  }
}

function reply(exchange: Exchange, request: ChatRequest, charge: Charge, step: SimScriptStep): void {
  const { context, response, headers, number } = exchange;
  const { wire, stats } = context;
  let calls = 0;
  const callPrefix = wire.ids.toolCall;
  const plan = planReply(request, {
    seed: context.seed,
    replyTokens: context.replyTokens,
    callId: () => `${callPrefix}${number.toString(36)}x${calls++}`,
  });
  const caching = context.promptCache && wire.promptCache;
  if (caching && step.outcome === 'ok')
    plan.cache = context.promptCache!.use(
      request.model,
      request.prompt,
      caching === 'explicit' ? (request.cacheUpTo ?? 0) : request.prompt.texts.length,
    );
  context.limiter.settle(request.model, charge, request.promptTokens, plan.outputTokens);
  wire.limitHeaders(context.limiter, request.model, headers);
  stats.tokens.input += request.promptTokens;
  stats.tokens.output += plan.outputTokens;
  const perModel = modelStats(stats, request.model);
  perModel.requests++;
  perModel.inputTokens += request.promptTokens;
  perModel.outputTokens += plan.outputTokens;
  countOutcome(stats, step.outcome);
  stats.statuses['200'] = (stats.statuses['200'] ?? 0) + 1;
  const ids = {
    id: `${wire.ids.message}${number.toString(36)}`,
    created: Math.floor(context.now() / 1000),
    requestId: exchange.requestId,
  };
  if (request.stream) {
    headers['content-type'] = STREAM_TYPE;
    headers['cache-control'] = 'no-cache';
  }
  const { latency } = context;
  const slow = latency.slow;
  const timing = slow && context.slowDraw() < slow.share ? { ...latency, ttftMs: slow.ms } : latency;
  if (step.outcome === 'malformed') {
    response.writeHead(200, headers);
    response.end(
      request.stream ? 'data: {"id": "broken", "choices": [\n\n' : '{"id": "broken", "choices": [',
    );
  } else if (request.stream) {
    const frames = wire.stream(request, plan, ids);
    sendStream(response, headers, frames, timing, step, wire.inbandError(), context.pending);
  } else {
    const body = wire.completion(request, plan, ids);
    sendJson(response, headers, body, plan.outputTokens, timing, step, context.pending);
  }
}

function sendFailure(exchange: Exchange, failure: Failure): void {
  const { context, response, headers } = exchange;
  const stats = context.stats;
  const { model, rateLimit } = failure;
  if (model !== undefined) {
    const entry = modelStats(stats, model);
    entry.requests++;
    if (rateLimit) entry.rateLimited++;
    if (!rateLimit?.omitHeaders) context.wire.limitHeaders(context.limiter, model, headers);
  }
  const announced = rateLimit && !rateLimit.omitHeaders ? rateLimit.retryAfterMs : undefined;
  if (announced !== undefined) context.wire.retryHeaders(announced, headers);
  if (failure.error.kind === 'rateLimit') failure.error.retryAfterMs = announced;
  if (failure.shouldRetry !== undefined) headers['x-should-retry'] = String(failure.shouldRetry);
  countOutcome(stats, failure.outcome);
  const { status, body, html, headers: extra } = context.wire.error(failure.error, exchange.requestId);
  if (html) headers['content-type'] = 'text/html';
  if (extra) Object.assign(headers, extra);
  stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
  if (status === 429) stats.rateLimited++;
  response.writeHead(status, headers).end(body);
}
