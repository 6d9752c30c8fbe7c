import type { ModelAlias } from '@spillway/core';
import { type ChatRouter, createRouterFetch } from './router-fetch.js';

export type AnthropicRouterFetchOptions = {
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
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
  return createRouterFetch(router, options.aliases, undefined);
}
