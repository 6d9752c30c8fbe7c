export type { AnthropicProviderOptions } from './anthropic-provider.js';
export { anthropic } from './anthropic-provider.js';
export type {
  AnthropicCompatibleClient,
  AnthropicCompatibleClientOptions,
  AnthropicCompatibleStream,
  ChatRouter,
} from './drop-in/anthropic-compatible-client.js';
export { createAnthropicCompatibleClient } from './drop-in/anthropic-compatible-client.js';
export type { ModelAlias } from './drop-in/from-anthropic-params.js';
export type { RoutingInfo } from './drop-in/routing-info.js';
export { routingInfo } from './drop-in/routing-info.js';
