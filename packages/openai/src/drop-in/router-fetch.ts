import { randomUUID } from 'node:crypto';
import type { ModelAlias, RouterStats, TenantOption } from '@spillway/core';
import { type RoutingInfoStore, resolveTenant, withTenant } from '@spillway/core/internal';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import type { ResponsesRouter } from '../responses/serve-responses.js';
import { modelsResponse, notServedResponse, offeredModels, unknownModelResponse } from './list-models.js';
import { type ChatRouter, serveChatCompletions } from './serve-chat-completions.js';
import { serveResponsesHttp } from './serve-responses-http.js';

/** A `fetch` as the provider SDKs take it. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The part of a router the fetch uses; `stats()` (every router has it) lists the offered models. */
export type FetchRouter = ChatRouter & { stats?(): Pick<RouterStats, 'providers'> };

export type RouterFetchOptions = {
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
  /**
   * A model id the router does not offer: `'error'` (default) answers 404 naming the offered ids;
   * `'auto'` routes the request as `auto` (for agent frameworks that pin a default model).
   */
  unknownModel?: 'error' | 'auto';
  /**
   * Serves `POST …/messages` and `POST …/messages/count_tokens` (Anthropic's Messages API): pass
   * `createAnthropicRouterFetch(router)` from `@spillway/anthropic`. Without it, both answer 404.
   */
  messages?: FetchLike;
  /**
   * The tenant of every request this fetch serves (per-tenant budgets, fair shares), or a function
   * that picks it per call from its headers and body, e.g.
   * `({ headers }) => headers.get('x-spillway-tenant') ?? undefined`. No header is trusted unless you
   * say so here. `/messages` is served by the fetch in `messages`: give it the same option.
   */
  tenant?: TenantOption;
};

/**
 * A `fetch` that answers OpenAI- and Anthropic-shaped API calls from the router, for any base URL:
 * `POST …/chat/completions`, `POST …/responses`, `POST …/messages` (with `options.messages`) and
 * `GET …/models`. Give it to any client that takes a fetch: `new OpenAI({ fetch })`,
 * `new Anthropic({ fetch })`, LangChain's `ChatOpenAI({ configuration: { fetch } })`,
 * `createOpenAICompatible({ fetch })`. Nothing goes over the network but the router's own calls.
 */
export function createRouterFetch(router: FetchRouter, options: RouterFetchOptions = {}): FetchLike {
  return routerFetch(router, options, undefined);
}

/** The fetch, with the drop-in client's routing-info store. */
export function routerFetch(
  router: FetchRouter,
  options: RouterFetchOptions,
  store: RoutingInfoStore | undefined,
): FetchLike {
  return async (input, init = {}) => {
    const request = input instanceof Request ? input : undefined;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = new URL(url, 'http://router.invalid').pathname.replace(/\/+$/, '');
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers ?? request?.headers);
    const anthropicShape =
      path.endsWith('/messages') ||
      path.endsWith('/messages/count_tokens') ||
      headers.has('anthropic-version');
    const offered = () => offeredModels(router.stats?.().providers, options.aliases);

    if (method === 'GET' && path.endsWith('/models')) return modelsResponse(offered(), anthropicShape);
    const endpoint = endpointOf(path);
    if (method !== 'POST' || !endpoint || (endpoint === 'messages' && !options.messages)) {
      return notServedResponse(url, anthropicShape);
    }
    const text =
      init.body !== undefined && init.body !== null
        ? await new Response(init.body).text()
        : await request?.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text ?? '') as Record<string, unknown>;
    } catch {
      return badJson(anthropicShape);
    }
    if (typeof body.model === 'string' && router.stats) {
      const models = offered();
      if (!models.some((model) => model.id === body.model)) {
        if (options.unknownModel !== 'auto') return unknownModelResponse(body.model, models, anthropicShape);
        body.model = 'auto';
      }
    }
    const signal = init.signal ?? request?.signal ?? undefined;
    const routed = withTenant(router, resolveTenant(options.tenant, { headers, body }));
    if (endpoint === 'messages') {
      return (options.messages as FetchLike)(url, {
        ...init,
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
    }
    const context = {
      requestId: `req_spw_${randomUUID().replaceAll('-', '')}`,
      aliases: options.aliases,
      store,
      signal,
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

function badJson(anthropicShape: boolean): Response {
  const message = 'The request body is not valid JSON';
  const body = anthropicShape
    ? { type: 'error', error: { type: 'invalid_request_error', message } }
    : { error: { message, type: 'invalid_request_error', param: null, code: null } };
  return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } });
}
