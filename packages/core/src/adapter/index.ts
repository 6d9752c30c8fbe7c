// @spillway/core/adapter: the helpers a provider adapter is built from, so a new adapter depends on
// @spillway/core and its SDK alone. Routers and apps never need these.

export { redact, registerSecret } from '../redact.js';
export { signalForSdk } from '../router/attempt-signal.js';
export type { AdapterOptionRules } from './check-adapter-options.js';
export { checkAdapterOptions } from './check-adapter-options.js';
export { lazyClient, registerClientSecrets } from './lazy-client.js';
export type { LoadApiKeyOptions } from './load-api-key.js';
export { loadApiKey } from './load-api-key.js';
export type { HeaderReader } from './rate-limit-headers.js';
export { parseGoDuration, parseHeaderInteger, parseRetryAfter } from './rate-limit-headers.js';
export type { SdkLog, SdkLogger } from './sdk-logger.js';
export { createSdkLog } from './sdk-logger.js';
export { SseDecoder, type SseEvent } from './sse-decoder.js';
