import type { ModelAlias, TenantOption } from '@spillway/core';
import { attachRoutingInfo, attachRoutingInfoLater, RoutingInfoStore } from '@spillway/core/internal';
import OpenAI from 'openai';
import type { APIError } from 'openai/error';
import { type FetchRouter, routerFetch } from './router-fetch.js';

export type OpenAICompatibleClientOptions = {
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
  /** A model id the router does not offer: 404 (`'error'`, default) or route it as `'auto'`. */
  unknownModel?: 'error' | 'auto';
  /**
   * The tenant of every call (a string), or a function of each call's headers and body, e.g. reading
   * a header passed per call with `create(params, { headers: { 'x-spillway-tenant': 'acme' } })`.
   */
  tenant?: TenantOption;
};

// Nothing is sent to this address: the client's fetch answers every request from the router.
const ROUTER_BASE_URL = 'http://spillway.invalid/v1';

/**
 * A real `OpenAI` client whose HTTP layer is the router: code holding an `OpenAI` (or `Pick<OpenAI,
 * 'chat'>`) calls `chat.completions.create` unchanged and gets `ChatCompletion`s, `Stream`s of chunks
 * and the SDK's own error classes, whichever provider served it. `routingInfo(result)` and
 * `routingInfo(error)` say which provider and model answered and what each attempt did.
 */
export function createOpenAICompatibleClient(
  router: FetchRouter,
  options: OpenAICompatibleClientOptions = {},
): OpenAI {
  const store = new RoutingInfoStore();

  class RoutedOpenAI extends OpenAI {
    protected override makeStatusError(
      status: number,
      error: object,
      message: string | undefined,
      headers: Headers,
    ): APIError {
      const made = super.makeStatusError(status, error, message, headers);
      const entry = store.take(headers.get('x-request-id'));
      if (entry) {
        attachRoutingInfo(made, entry.info);
        Object.defineProperty(made, 'cause', { value: entry.error, enumerable: false, configurable: true });
      }
      return made;
    }
  }

  const client = new RoutedOpenAI({
    apiKey: 'spillway',
    baseURL: ROUTER_BASE_URL,
    maxRetries: 0,
    fetch: routerFetch(router, options, store),
  });
  const attach = (data: unknown, response: Response) => {
    const id = response.headers.get('x-request-id');
    if (typeof data !== 'object' || data === null) return data;
    // A stream's info exists once it has finished; a result's exists now.
    if (isStream(data)) return attachRoutingInfoLater(data, () => store.take(id)?.info);
    const entry = store.take(id);
    return entry ? attachRoutingInfo(data, entry.info) : data;
  };
  const completions = client.chat.completions;
  const create = completions.create.bind(completions);
  completions.create = ((...args: Parameters<typeof create>) =>
    create(...args)._thenUnwrap((data, props) => attach(data, props.response))) as typeof completions.create;
  const responses = client.responses;
  const createResponse = responses.create.bind(responses);
  responses.create = ((...args: Parameters<typeof createResponse>) =>
    createResponse(...args)._thenUnwrap((data, props) =>
      attach(data, props.response),
    )) as typeof responses.create;
  return client;
}

function isStream(data: object): boolean {
  return Symbol.asyncIterator in data;
}
