// @spillway/core/chat-completions: the Chat Completions wire mapping (OpenAI's protocol, which Groq
// and most OpenAI-compatible services speak), shared by @spillway/openai and @spillway/groq so each
// depends on core and its own SDK alone (decision 0804). Pure translation: imports no SDK.
export type { BuildRequestOptions, ChatCompletionsDialect } from './build-request-body.js';
export { buildRequestBody } from './build-request-body.js';
export type { ChatCompletionsAdapterConfig, ChatCompletionsClient } from './chat-completions-adapter.js';
export { CHAT_COMPLETIONS_CLIENT, createChatCompletionsAdapter } from './chat-completions-adapter.js';
export { convertMessages } from './convert-messages.js';
export type { ConvertedResponse } from './convert-response.js';
export { convertResponse, convertUsage, makeToolCall } from './convert-response.js';
export type { StreamContext } from './convert-stream.js';
export { convertStream } from './convert-stream.js';
export { describeSdkError } from './describe-sdk-error.js';
export type { ErrorContext, ErrorFacts } from './map-error.js';
export { classifyError, toProviderError } from './map-error.js';
export { mapFinishReason } from './map-finish-reason.js';
export type { RateLimitHeaderOptions } from './parse-rate-limit-headers.js';
export { parseRateLimitHeaders } from './parse-rate-limit-headers.js';
export type * from './wire-types.js';
