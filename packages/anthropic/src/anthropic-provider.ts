import Anthropic from '@anthropic-ai/sdk';
import {
  type AdapterCall,
  type AdapterResult,
  type AdapterStream,
  type AdapterStreamEvent,
  ConfigError,
  type Limits,
  type ModelSpec,
  type ProviderAdapter,
  type RateLimitSnapshot,
  resolveModels,
  SPECIFICATION_VERSION,
} from '@spillway/core';
import {
  checkAdapterOptions,
  createSdkLog,
  lazyClient,
  loadApiKey,
  signalForSdk,
} from '@spillway/core/adapter';
import { convertRequest } from './convert-request.js';
import { convertResponse, isMessage } from './convert-response.js';
import { convertStream } from './convert-stream.js';
import { conversionError, mapError, providerError } from './map-error.js';
import { parseRateLimitHeaders } from './parse-rate-limit-headers.js';

export type AnthropicProviderOptions = {
  /** Defaults to the `ANTHROPIC_API_KEY` environment variable, read at the first call. */
  apiKey?: string;
  /** Handed to the SDK unchanged (the SDK's default is `https://api.anthropic.com`). */
  baseURL?: string;
  /** An SDK client you configured yourself; used as is (its own retry setting included). */
  client?: Anthropic;
  /** Per-minute limits applied to each model (Anthropic limits input and output tokens separately). */
  limits?: Limits;
  /** Model ids from the catalog, or specs; omitted: every catalog model of kind 'anthropic'. */
  models?: ReadonlyArray<string | (Partial<ModelSpec> & { id: string })>;
  /** Unique provider name in the router; defaults to 'anthropic'. */
  name?: string;
  /** Extra headers sent with every request (e.g. `anthropic-beta`). */
  headers?: Record<string, string>;
  /**
   * Ask Anthropic to cache each prompt (top-level `cache_control`), so a later request that repeats
   * its start reads it at the cache-read price. `true`: the 5-minute lifetime, writes at 1.25x input;
   * `{ ttl: '1h' }`: an hour, writes at 2x input (for prompts repeated less often than every five
   * minutes). Pays when prompts repeat (agents, long system prompts). Default false, as in the API.
   */
  promptCaching?: boolean | { ttl: '5m' | '1h' };
};

const API_KEY_VARIABLE = 'ANTHROPIC_API_KEY';
// The SDK refuses non-streaming calls whose max_tokens could take over 10 minutes unless a timeout is
// given. The router owns deadlines (it aborts through the signal), so for those calls we give the SDK
// the time it estimates such an answer can take: 60 minutes per 128k output tokens. Smaller calls get
// no per-request timeout, so a client's own `timeout` still applies.
const SDK_DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const MS_PER_OUTPUT_TOKEN = (60 * 60 * 1000) / 128_000;

/** The per-request timeout a non-streaming call needs, or undefined when the SDK's own will do. */
export function nonStreamingTimeoutMs(maxTokens: number): number | undefined {
  const expected = Math.ceil(maxTokens * MS_PER_OUTPUT_TOKEN);
  return expected > SDK_DEFAULT_TIMEOUT_MS ? expected : undefined;
}

/** A Spillway provider speaking Anthropic's Messages API through `@anthropic-ai/sdk`. */
export function anthropic(options: AnthropicProviderOptions = {}): ProviderAdapter {
  checkAdapterOptions('anthropic', options, { clientMethod: ['messages', 'create'] });
  const cacheControl = promptCacheControl(options.promptCaching);
  const name = options.name ?? 'anthropic';
  const sdkLog = createSdkLog(name);
  const models = resolveModels('anthropic', options.models);
  const modelsById = new Map(models.map((model) => [model.id, model]));
  // A client the user configured carries its own key (or auth token): masked like one we were given.
  const getClient = lazyClient(options.client, (model) => {
    const apiKey = loadApiKey({ apiKey: options.apiKey, envVar: API_KEY_VARIABLE, provider: name, model });
    return new Anthropic({
      apiKey,
      baseURL: options.baseURL,
      maxRetries: 0,
      logger: sdkLog.logger,
      logLevel: 'warn',
    });
  });

  // Per request rather than as client defaults, so they reach a client passed in too.
  const requestOptions = (call: AdapterCall) =>
    options.headers
      ? { signal: signalForSdk(call.signal), headers: options.headers }
      : { signal: signalForSdk(call.signal) };

  function convert(call: AdapterCall) {
    try {
      const params = convertRequest(call, modelsById.get(call.model));
      if (cacheControl) params.cache_control = cacheControl;
      return params;
    } catch (error) {
      throw conversionError(error, { provider: name, model: call.model });
    }
  }

  async function doGenerate(call: AdapterCall): Promise<AdapterResult> {
    const context = { provider: name, model: call.model, signal: call.signal };
    const params = convert(call);
    try {
      const timeout = nonStreamingTimeoutMs(params.max_tokens);
      // The raw response and our own json(): the SDK's parse step (withResponse) adds ~20 µs a call.
      const response = await getClient(call.model)
        .messages.create(params, { ...requestOptions(call), ...(timeout === undefined ? {} : { timeout }) })
        .asResponse();
      const rateLimit = parseRateLimitHeaders(response.headers);
      const request_id = response.headers.get('request-id');
      const data: unknown = await response.json();
      if (!isMessage(data)) {
        throw providerError('server', 'Anthropic returned a body that is not a message', context, undefined, {
          status: response.status,
          requestId: request_id ?? undefined,
          rateLimit,
        });
      }
      const result = convertResponse(data);
      if (rateLimit) result.rateLimit = rateLimit;
      if (request_id) result.requestId = request_id;
      return result;
    } catch (error) {
      throw mapError(error, { ...context, phase: 'request' });
    }
  }

  async function doStream(call: AdapterCall): Promise<AdapterStream> {
    const context = { provider: name, model: call.model, signal: call.signal };
    const params = convert(call);
    let response: Response;
    try {
      // The raw response, read by our own SSE reader: the SDK's stream put ~30 µs on the first token
      // (decision 2251). The SDK still sends the request and raises its errors for error statuses.
      response = await getClient(call.model)
        .messages.create({ ...params, stream: true }, requestOptions(call))
        .asResponse();
    } catch (error) {
      throw mapError(error, { ...context, phase: 'request' });
    }
    const { headers } = response;
    return new OpenedStream(convertStream(response.body, headers, context), headers);
  }

  const adapter: ProviderAdapter = {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    kind: 'anthropic',
    models,
    doGenerate,
    doStream,
    setLogger: (logger) => sdkLog.attach(logger),
  };
  if (options.limits) (adapter as { limits?: Limits }).limits = options.limits;
  return adapter;
}

/**
 * An opened stream whose rate limit and request id are read from the headers when first asked, not
 * before the first token (the router asks for them only while a model still learns its limits, or at
 * the stream's end). A class, not an object literal with getters, which V8 builds on a slow path
 * (decision 2250).
 */
class OpenedStream implements AdapterStream {
  readonly events: AsyncIterable<AdapterStreamEvent>;
  readonly #headers: Headers;
  #rateLimit: RateLimitSnapshot | undefined | null = null;
  #requestId: string | undefined | null = null;

  constructor(events: AsyncIterable<AdapterStreamEvent>, headers: Headers) {
    this.events = events;
    this.#headers = headers;
  }

  get rateLimit(): RateLimitSnapshot | undefined {
    if (this.#rateLimit === null) this.#rateLimit = parseRateLimitHeaders(this.#headers);
    return this.#rateLimit;
  }

  get requestId(): string | undefined {
    if (this.#requestId === null) this.#requestId = this.#headers.get('request-id') ?? undefined;
    return this.#requestId;
  }
}

/** The top-level `cache_control` the `promptCaching` option asks for (none when off). */
function promptCacheControl(
  option: AnthropicProviderOptions['promptCaching'],
): { type: 'ephemeral'; ttl?: '1h' } | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { type: 'ephemeral' };
  const ttl = typeof option === 'object' && option !== null ? (option as { ttl?: unknown }).ttl : undefined;
  if (ttl === '5m') return { type: 'ephemeral' };
  if (ttl === '1h') return { type: 'ephemeral', ttl: '1h' };
  const got = typeof option === 'object' && option !== null ? JSON.stringify(option) : typeof option;
  throw new ConfigError(`anthropic: promptCaching must be true, false or { ttl: '5m' | '1h' }, got ${got}`, {
    field: 'promptCaching',
  });
}
