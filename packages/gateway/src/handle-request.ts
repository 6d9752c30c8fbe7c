import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, RouterError } from '@spillway/core';
import { type ApiReply, finalFailure } from '@spillway/core/internal';
import type { AccessLogEntry, AccessLogger } from './access-log.js';
import {
  type ClientShape,
  errorBody,
  failureStatus,
  type GatewayFailure,
  streamErrorFrame,
} from './client-errors.js';
import type { ResolvedOptions } from './gateway-options.js';
import { type BodyRead, BodyTooLarge, readBody } from './read-body.js';
import { pipeFrames, writeReply } from './send-response.js';
import type { TenantAnswers } from './tenant-answers.js';
import type { KeyGrant, KeyRing } from './virtual-keys.js';
import { presentedKey } from './virtual-keys.js';

type ApiRoute = { method: 'GET' | 'POST'; shape: ClientShape };

// The API the official SDKs call (their base URLs end in /v1 for OpenAI, at the host for Anthropic).
const API_ROUTES: Record<string, ApiRoute> = {
  '/v1/chat/completions': { method: 'POST', shape: 'openai' },
  '/v1/responses': { method: 'POST', shape: 'responses' },
  '/v1/messages': { method: 'POST', shape: 'anthropic' },
  '/v1/messages/count_tokens': { method: 'POST', shape: 'anthropic' },
  '/v1/models': { method: 'GET', shape: 'openai' },
};

/** Everything one request handler reads; built once per gateway. */
export type HandlerContext = {
  options: ResolvedOptions;
  keys: KeyRing;
  answers: TenantAnswers;
  log: AccessLogger | undefined;
  /** Runs each request's deadline (the router's clock when the options give one). */
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  /** Counts a stream cut because its client stopped reading (`writeTimeoutMs`). */
  writeTimedOut: () => void;
  /** True once `close()` began: new API requests are refused with 503 while the rest drain. */
  draining: () => boolean;
  /** The operational routes (`/healthz`, `/metrics`, …); returns false when the path is not one. */
  serveOps: (path: string, request: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
};

/** Serves one HTTP request: an operational route, or an API call answered through the router. */
export async function handleRequest(
  context: HandlerContext,
  request: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = (query === -1 ? url : url.slice(0, query)).replace(/\/+$/, '') || '/';
  const route = API_ROUTES[path];
  if (!route) {
    if (await context.serveOps(path, request, res)) return;
  }
  const shape: ClientShape =
    route?.shape === 'openai' && request.headers['anthropic-version'] !== undefined
      ? 'anthropic'
      : (route?.shape ?? (path.startsWith('/v1/messages') ? 'anthropic' : 'openai'));
  const entry: AccessLogEntry = {
    time: new Date().toISOString(),
    requestId: '',
    method: request.method ?? 'GET',
    path,
    status: 0,
    durationMs: 0,
  };
  const gatewayId = () => `req_gw_${randomUUID().replaceAll('-', '')}`;
  const fail = (failure: GatewayFailure, message: string, close = false) => {
    entry.requestId ||= gatewayId();
    const body = errorBody(shape, failure, message, entry.requestId);
    res.writeHead(failureStatus(failure), {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(shape === 'anthropic' ? { 'request-id': entry.requestId } : { 'x-request-id': entry.requestId }),
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(body);
  };
  const { log } = context;
  if (log) {
    res.once('close', () => {
      entry.status = res.statusCode;
      entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      if (!res.writableFinished) entry.incomplete = true;
      log(entry);
    });
  }

  if (!route) return fail('not_found', `${request.method} ${path} is not served by this gateway`);
  if (request.method !== route.method)
    return fail('method_not_allowed', `${path} takes ${route.method}, not ${request.method}`);
  if (context.draining())
    return fail('draining', 'This gateway is shutting down; retry on another replica', true);
  const grant = authorize(context, request);
  if (!grant) {
    request.resume();
    return fail(
      'unauthorized',
      context.keys.size === 0 && !context.options.allowAnonymous
        ? 'This gateway has no keys configured and does not serve anonymous requests'
        : shape === 'anthropic'
          ? 'invalid x-api-key'
          : 'Incorrect API key provided',
    );
  }
  if (grant.tenant !== undefined) entry.tenant = grant.tenant;

  // The deadline runs from here: reading the body, the router's work and, for a non-streamed answer,
  // the whole of it; a stream's frames are then watched by the router's stallTimeoutMs.
  const controller = new AbortController();
  let timedOut = false;
  const reading: BodyRead = {};
  const stop = (reason: Error) => {
    reading.cancel?.(reason);
    controller.abort(reason);
  };
  const { clock } = context;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    stop(new Error('gateway request timeout'));
  }, context.options.requestTimeoutMs);
  const onClose = () => {
    if (!res.writableFinished) stop(new Error('client closed the connection'));
  };
  res.once('close', onClose);

  let body: string | undefined;
  if (route.method === 'POST') {
    try {
      body = await readBody(request, context.options.maxBodyBytes, reading);
      entry.requestBytes = Buffer.byteLength(body);
    } catch (error) {
      clock.clearTimeout(timer);
      res.off('close', onClose);
      if (res.destroyed) return;
      request.resume();
      if (error instanceof BodyTooLarge)
        return fail(
          'too_large',
          `The request body is larger than ${context.options.maxBodyBytes} bytes`,
          true,
        );
      if (timedOut)
        return fail(
          'body_timeout',
          `The request body did not arrive within ${context.options.requestTimeoutMs} ms`,
          true,
        );
      return fail('internal', 'The request body could not be read', true);
    }
  }

  let reply: ApiReply;
  try {
    reply = await context.answers.for(grant.tenant)({
      path,
      method: route.method,
      anthropicShape: shape === 'anthropic',
      body,
      signal: controller.signal,
    });
  } catch (error) {
    clock.clearTimeout(timer);
    res.off('close', onClose);
    if (res.destroyed) return;
    if (timedOut || timeoutFailure(error)) return fail('timeout', 'Request timed out');
    return fail('unavailable', 'No provider could be reached for this request');
  }
  clock.clearTimeout(timer);
  entry.requestId = reply.headers['x-request-id'] ?? reply.headers['request-id'] ?? gatewayId();
  if (res.destroyed) {
    if (typeof reply.body !== 'string') await reply.body.cancel().catch(() => {});
    return;
  }
  const frames = writeReply(reply, res);
  if (!frames) {
    res.off('close', onClose);
    return;
  }
  entry.stream = true;
  try {
    await pipeFrames(frames, res, {
      clock,
      timeoutMs: context.options.writeTimeoutMs,
      onTimeout: () => {
        entry.writeTimeout = true;
        context.writeTimedOut();
      },
    });
  } catch {
    // The translations frame every router failure in-band; anything else still must not look like a
    // complete answer.
    if (!res.destroyed && !res.writableEnded)
      res.end(streamErrorFrame(shape, 'The stream broke', entry.requestId));
  } finally {
    res.off('close', onClose);
  }
}

function authorize(context: HandlerContext, request: IncomingMessage): KeyGrant | undefined {
  const key = presentedKey(request.headers);
  if (key === undefined || key === '')
    return context.options.allowAnonymous ? { tenant: undefined } : undefined;
  return context.keys.match(key);
}

function timeoutFailure(error: unknown): boolean {
  const routerError = RouterError.isInstance(error)
    ? error
    : RouterError.isInstance((error as { cause?: unknown })?.cause)
      ? ((error as { cause: RouterError }).cause as RouterError)
      : undefined;
  if (!routerError) return false;
  const failure = finalFailure(routerError);
  return failure === 'timeout' || failure === 'stall';
}
