export type { AnthropicProviderOptions } from './anthropic-provider.js';
export { anthropic } from './anthropic-provider.js';
