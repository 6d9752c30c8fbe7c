import Anthropic from '@anthropic-ai/sdk';
import type { APIError } from '@anthropic-ai/sdk/error';
import type { ModelAlias, TenantOption } from '@spillway/core';
import { attachRoutingInfo, attachRoutingInfoLater, RoutingInfoStore } from '@spillway/core/internal';
import { type ChatRouter, createRouterFetch } from './router-fetch.js';

export type AnthropicCompatibleClientOptions = {
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
  /**
   * The tenant of every call (a string), or a function of each call's headers and body, e.g.
   * `({ headers }) => headers.get('x-spillway-tenant') ?? undefined`. No header is trusted unless you
   * say so here.
   */
  tenant?: TenantOption;
};

// Nothing is sent to this address: the client's fetch answers every request from the router.
const ROUTER_BASE_URL = 'http://spillway.invalid';

/**
 * A real `Anthropic` client whose HTTP layer is the router: code holding an `Anthropic` calls
 * `messages.create` (or `messages.stream`) unchanged and gets `Message`s, stream events and the SDK's
 * own error classes, whichever provider served it. `routingInfo(message)` and `routingInfo(error)` say
 * which provider and model answered and what each attempt did.
 */
export function createAnthropicCompatibleClient(
  router: ChatRouter,
  options: AnthropicCompatibleClientOptions = {},
): Anthropic {
  const store = new RoutingInfoStore();

  class RoutedAnthropic extends Anthropic {
    protected override makeStatusError(
      status: number,
      error: object,
      message: string | undefined,
      headers: Headers,
    ): APIError {
      const made = super.makeStatusError(status, error, message, headers);
      const entry = store.take(headers.get('request-id'));
      if (entry) {
        attachRoutingInfo(made, entry.info);
        Object.defineProperty(made, 'cause', { value: entry.error, enumerable: false, configurable: true });
      }
      return made;
    }
  }

  const client = new RoutedAnthropic({
    apiKey: 'spillway',
    baseURL: ROUTER_BASE_URL,
    maxRetries: 0,
    fetch: createRouterFetch(router, options.aliases, store, options.tenant),
  });
  const messages = client.messages;
  const create = messages.create.bind(messages);
  messages.create = ((...args: Parameters<typeof create>) =>
    create(...args)._thenUnwrap((data, props) => {
      const id = props.response.headers.get('request-id');
      if (typeof data !== 'object' || data === null) return data;
      // A stream's info exists once it has finished; a result's exists now.
      if (isStream(data)) return attachRoutingInfoLater(data, () => store.take(id)?.info);
      const entry = store.take(id);
      return entry ? attachRoutingInfo(data, entry.info) : data;
    })) as typeof messages.create;
  return client;
}

function isStream(data: object): boolean {
  return Symbol.asyncIterator in data;
}
