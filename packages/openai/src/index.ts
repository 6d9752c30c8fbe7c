export type { ApiCall, ApiCallOptions, ApiRouter } from './drop-in/answer-api-call.js';
export { createApiAnswerer } from './drop-in/answer-api-call.js';
export {
  createOpenAICompatibleClient,
  type OpenAICompatibleClientOptions,
} from './drop-in/openai-compatible-client.js';
export type { FetchLike, FetchRouter, RouterFetchOptions } from './drop-in/router-fetch.js';
export { createRouterFetch } from './drop-in/router-fetch.js';
export type { ModelOption, OpenAIProviderOptions } from './openai.js';
export { openai } from './openai.js';
export type { OpenAICompatibleOptions } from './openai-compatible.js';
export { openaiCompatible } from './openai-compatible.js';
export * from './responses/index.js';
