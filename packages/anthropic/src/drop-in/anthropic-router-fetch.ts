import type { ModelAlias, TenantOption } from '@spillway/core';
import { type ChatRouter, createRouterFetch } from './router-fetch.js';

export type AnthropicRouterFetchOptions = {
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
  /**
   * The tenant of every call (a string), or a function of each call's headers and body, e.g.
   * `({ headers }) => headers.get('x-spillway-tenant') ?? undefined`. No header is trusted unless you
   * say so here.
   */
  tenant?: TenantOption;
};

/**
 * A `fetch` that answers Anthropic's `POST …/messages` from the router, for any base URL: give it to
 * `new Anthropic({ fetch })`, or to `createRouterFetch(router, { messages })` from `@spillway/openai`
 * so one fetch serves OpenAI's and Anthropic's APIs. (The adapters do not depend on each other: this
 * fetch is the whole interface between them.)
 */
export function createAnthropicRouterFetch(
  router: ChatRouter,
  options: AnthropicRouterFetchOptions = {},
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return createRouterFetch(router, options.aliases, undefined, options.tenant);
}
