import type { ModelAlias, RouterStats, RoutingInfoSink, TenantOption } from '@spillway/core';
import { replyResponse, resolveTenant } from '@spillway/core/internal';
import { createApiAnswerer } from './answer-api-call.js';
import type { ChatRouter } from './serve-chat-completions.js';

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
  store: RoutingInfoSink | undefined,
): FetchLike {
  const answer = createApiAnswerer(router, options);
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
    const body =
      method !== 'POST'
        ? undefined
        : init.body !== undefined && init.body !== null
          ? await new Response(init.body).text()
          : await request?.text();
    const messages = options.messages;
    const reply = await answer<Response>({
      path,
      method,
      anthropicShape,
      body,
      signal: init.signal ?? request?.signal ?? undefined,
      store,
      ...(options.tenant !== undefined
        ? {
            tenant: (parsed: Record<string, unknown>) =>
              resolveTenant(options.tenant, { headers, body: parsed }),
          }
        : {}),
      ...(messages
        ? {
            messages: (parsed: Record<string, unknown>) =>
              messages(url, { ...init, method: 'POST', headers, body: JSON.stringify(parsed) }),
          }
        : {}),
    });
    return reply instanceof Response ? reply : replyResponse(reply);
  };
}
