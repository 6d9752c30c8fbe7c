import { randomUUID } from 'node:crypto';
import type { ApiReply, ModelAlias, RoutingInfoSink } from '@spillway/core';
import { jsonReply, withTenant } from '@spillway/core/internal';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import type { ResponsesRouter } from '../responses/serve-responses.js';
import {
  modelsReply,
  notServedReply,
  type OfferedModel,
  offeredModels,
  unknownModelReply,
} from './list-models.js';
import { type ChatRouter, serveChatCompletions } from './serve-chat-completions.js';
import { serveResponsesHttp } from './serve-responses-http.js';

/** The part of a router the translations use; `stats()` (every router has it) lists the offered models. */
export type ApiRouter = ChatRouter & {
  stats?(): { providers: Record<string, { models: Record<string, unknown> }> };
};

export type ApiCallOptions = {
  aliases?: Record<string, ModelAlias> | undefined;
  unknownModel?: 'error' | 'auto' | undefined;
};

/** One API call as any HTTP stack hands it over. */
export type ApiCall<Other = never> = {
  /** The URL path, without query or trailing slash (any prefix: matched by its ending). */
  path: string;
  method: string;
  /** The client is Anthropic's (its error and model-list shapes). */
  anthropicShape: boolean;
  /** The request body as sent (POST). */
  body: string | undefined;
  signal: AbortSignal | undefined;
  /** The tenant of the call, once its body is parsed. */
  tenant?: ((body: Record<string, unknown>) => string | undefined) | undefined;
  /** Serves Anthropic's `…/messages` endpoints from the parsed, model-checked body; 404 without it. */
  messages?: ((body: Record<string, unknown>) => Promise<ApiReply | Other>) | undefined;
  /** The drop-in clients' own record of routing info; leave unset. */
  store?: RoutingInfoSink | undefined;
};

/**
 * Answers OpenAI's (and through `call.messages` Anthropic's) API from the router: the one mapping that
 * `createRouterFetch` and `@spillway/gateway` both serve. The body is parsed once; the offered models
 * are read from `router.stats()` once per answerer (a router's providers are fixed at creation).
 */
export function createApiAnswerer(router: ApiRouter, options: ApiCallOptions) {
  let offeredCache: OfferedModel[] | undefined;
  let offeredIds: Set<string> | undefined;
  const offered = () => {
    offeredCache ??= offeredModels(router.stats?.().providers, options.aliases);
    return offeredCache;
  };
  return async function answer<Other = never>(call: ApiCall<Other>): Promise<ApiReply | Other> {
    const { path, method, anthropicShape } = call;
    if (method === 'GET' && path.endsWith('/models')) return modelsReply(offered(), anthropicShape);
    const endpoint = endpointOf(path);
    if (method !== 'POST' || !endpoint || (endpoint === 'messages' && !call.messages)) {
      return notServedReply(path, anthropicShape);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(call.body ?? '') as Record<string, unknown>;
    } catch {
      return badJson(anthropicShape);
    }
    if (body === null || typeof body !== 'object') return badJson(anthropicShape);
    if (typeof body.model === 'string' && router.stats) {
      offeredIds ??= new Set(offered().map((model) => model.id));
      if (!offeredIds.has(body.model)) {
        if (options.unknownModel !== 'auto') return unknownModelReply(body.model, offered(), anthropicShape);
        body.model = 'auto';
      }
    }
    if (endpoint === 'messages') return (call.messages as NonNullable<typeof call.messages>)(body);
    const tenant = call.tenant?.(body);
    const routed = tenant === undefined ? router : withTenant(router, tenant);
    const context = {
      requestId: `req_spw_${randomUUID().replaceAll('-', '')}`,
      aliases: options.aliases,
      store: call.store,
      signal: call.signal,
    };
    if (endpoint === 'responses') {
      return serveResponsesHttp(routed as ResponsesRouter, body as unknown as ResponseCreateParams, context);
    }
    return serveChatCompletions(routed, body as unknown as ChatCompletionCreateParams, context);
  };
}

function endpointOf(path: string): 'chat' | 'responses' | 'messages' | undefined {
  if (path.endsWith('/chat/completions')) return 'chat';
  if (path.endsWith('/responses')) return 'responses';
  if (path.endsWith('/messages') || path.endsWith('/messages/count_tokens')) return 'messages';
  return undefined;
}

function badJson(anthropicShape: boolean): ApiReply {
  const message = 'The request body is not valid JSON';
  return jsonReply(
    400,
    anthropicShape
      ? { type: 'error', error: { type: 'invalid_request_error', message } }
      : { error: { message, type: 'invalid_request_error', param: null, code: null } },
  );
}
