export type { ModelAlias, RoutingInfo } from '@spillway/core';
export { routingInfo } from '@spillway/core';
export type { AnthropicProviderOptions } from './anthropic-provider.js';
export { anthropic } from './anthropic-provider.js';
export type { AnthropicCompatibleClientOptions } from './drop-in/anthropic-compatible-client.js';
export { createAnthropicCompatibleClient } from './drop-in/anthropic-compatible-client.js';
export type { AnthropicRouterFetchOptions } from './drop-in/anthropic-router-fetch.js';
export { createAnthropicRouterFetch } from './drop-in/anthropic-router-fetch.js';
