import type { SdkLog } from '../adapter/sdk-logger.js';
import { abortReason, ProviderError, RouterError } from '../errors.js';
import { redact } from '../redact.js';
import { signalForSdk } from '../router/attempt-signal.js';
import {
  type AdapterCall,
  type AdapterResult,
  type AdapterStream,
  type AdapterStreamEvent,
  type ProviderAdapter,
  SPECIFICATION_VERSION,
} from '../spec.js';
import type { Limits, ModelSpec, RateLimitSnapshot } from '../types.js';
import { buildRequestBody, type ChatCompletionsDialect } from './build-request-body.js';
import { convertResponse } from './convert-response.js';
import { convertStream } from './convert-stream.js';
import { describeSdkError } from './describe-sdk-error.js';
import { type ErrorFacts, toProviderError } from './map-error.js';
import { parseRateLimitHeaders } from './parse-rate-limit-headers.js';
import type { WireErrorBody, WireRequestBody, WireResponse } from './wire-types.js';

/** The slice of an `openai` / `groq-sdk` client the adapter uses. */
export type ChatCompletionsClient = {
  chat: {
    completions: {
      create(
        body: WireRequestBody,
        options: { signal?: AbortSignal | undefined },
      ): {
        /** The successful response, body unread (error statuses still raise the SDK's errors). */
        asResponse(): Promise<Response>;
      };
    };
  };
};

/** What `checkAdapterOptions` needs to recognise an `openai` or `groq-sdk` client. */
export const CHAT_COMPLETIONS_CLIENT = { clientMethod: ['chat', 'completions', 'create'] } as const;

export type ChatCompletionsAdapterConfig = {
  name: string;
  kind: string;
  models: ModelSpec[];
  limits?: Limits;
  dialect: ChatCompletionsDialect;
  /** The window the `x-ratelimit-*-requests` headers describe. */
  requestsWindowMs: number;
  /** Where the SDK client's own logging goes (the factory built the client with its `logger`). */
  sdkLog?: SdkLog;
  /**
   * The SDK client (an `openai` or `groq-sdk` one, or any with the `ChatCompletionsClient` shape),
   * created on first use. Throws a `ProviderError` (`auth`) when no key is configured.
   */
  getClient: (model: string) => object;
};

/** A `ProviderAdapter` for any Chat Completions API, given its SDK client and dialect. */
export function createChatCompletionsAdapter(config: ChatCompletionsAdapterConfig): ProviderAdapter {
  const { name, dialect, requestsWindowMs } = config;

  function fail(error: unknown, call: AdapterCall, midStream: boolean): unknown {
    if (ProviderError.isInstance(error)) return error;
    const facts = describeSdkError(error, call.signal, midStream);
    if (facts === 'abort') return abortReason(call.signal);
    return toProviderError(facts, { provider: name, model: call.model, requestsWindowMs, cause: error });
  }

  function specOf(id: string): ModelSpec | undefined {
    for (const model of config.models) if (model.id === id) return model;
    return undefined;
  }

  function prepare(
    call: AdapterCall,
    stream: boolean,
  ): { body: WireRequestBody; client: ChatCompletionsClient } {
    if (call.signal.aborted) throw abortReason(call.signal);
    const spec = specOf(call.model);
    let body: WireRequestBody;
    try {
      body = buildRequestBody(call, {
        dialect,
        vision: spec?.supports?.vision !== false,
        stream,
        warn: (message) => call.onWarning?.(`${name}: ${message}`),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ProviderError(redact(`${name}: ${message}`), {
        failure: 'invalid_request',
        provider: name,
        model: call.model,
        cause: RouterError.isInstance(error) ? error : undefined,
      });
    }
    return { body, client: config.getClient(call.model) as ChatCompletionsClient };
  }

  return {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    kind: config.kind,
    models: config.models,
    ...(config.limits ? { limits: config.limits } : {}),

    setLogger(logger) {
      config.sdkLog?.attach(logger);
    },

    async doGenerate(call: AdapterCall): Promise<AdapterResult> {
      const { body, client } = prepare(call, false);
      try {
        // The raw response and our own json(): the SDK's parse step (withResponse) adds ~20 µs a call.
        const response = await client.chat.completions
          .create(body, { signal: signalForSdk(call.signal) })
          .asResponse();
        const rateLimit = parseRateLimitHeaders(response.headers, { requestsWindowMs });
        const data: unknown = await response.json();
        const requestId =
          response.headers.get('x-request-id') ?? (data as WireResponse | null)?.x_groq?.id ?? undefined;
        const converted =
          typeof data === 'object' && data ? convertResponse(data as WireResponse) : undefined;
        if (!converted) {
          throw new ProviderError(`${name} (server): malformed response: no choices in the body`, {
            failure: 'server',
            provider: name,
            model: call.model,
            status: response.status,
            ...(rateLimit ? { rateLimit } : {}),
            ...(requestId ? { requestId } : {}),
          });
        }
        // Built field by field: object spread costs about a microsecond per object on Node 20.
        const result: AdapterResult = converted as AdapterResult;
        if (rateLimit) result.rateLimit = rateLimit;
        if (requestId) result.requestId = requestId;
        result.raw = data;
        return result;
      } catch (error) {
        throw fail(error, call, false);
      }
    },

    async doStream(call: AdapterCall): Promise<AdapterStream> {
      const { body, client } = prepare(call, true);
      let response: Response;
      try {
        // The raw response, read by our own SSE reader: the SDK's stream puts ~40 µs on the first token.
        response = await client.chat.completions
          .create(body, { signal: signalForSdk(call.signal) })
          .asResponse();
      } catch (error) {
        throw fail(error, call, false);
      }
      const { headers } = response;
      const events = convertStream(response.body, {
        signal: call.signal,
        mapError: (error) => fail(error, call, true),
        cutError: () => {
          const id = stream.requestId;
          return new ProviderError(`${name} (stream_cut): the stream ended without a finish reason`, {
            failure: 'stream_cut',
            provider: name,
            model: call.model,
            ...(id ? { requestId: id } : {}),
          });
        },
        inBandError: (error) =>
          toProviderError(inBandFacts(error, headers), {
            provider: name,
            model: call.model,
            requestsWindowMs,
          }),
      });
      const stream = new OpenedStream(events, headers, requestsWindowMs);
      return stream;
    },
  };
}

/**
 * What an error inside a 200 stream says: Groq's `x_groq.error` message, or a chunk's `error` object
 * (`{ message, type, code }`, or a whole error body around one), read as the SDKs read it.
 */
function inBandFacts(error: unknown, headers: Headers): ErrorFacts {
  if (typeof error !== 'object' || error === null)
    return { kind: 'in-band', message: String(error), headers };
  const nested = (error as { error?: unknown }).error;
  const body = (typeof nested === 'object' && nested !== null ? nested : error) as WireErrorBody;
  const message =
    typeof body.message === 'string' ? body.message : (safeJson(body.message ?? body) ?? 'in-band error');
  return { kind: 'in-band', body, message, headers };
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * An opened stream whose rate limit and request id are read from the headers when first asked, not
 * before the first token: parsing the rate-limit headers is ~5% of the router's work to a stream's
 * first token over HTTP (decision 2230), and the router asks for them only while a model still learns
 * its limits, or at the stream's end. A class, not an object literal with getters, which V8 builds on
 * a slow path (decision 2250).
 */
class OpenedStream implements AdapterStream {
  readonly events: AsyncIterable<AdapterStreamEvent>;
  readonly #headers: Headers;
  readonly #requestsWindowMs: number;
  #rateLimit: RateLimitSnapshot | undefined | null = null;
  #requestId: string | undefined | null = null;

  constructor(events: AsyncIterable<AdapterStreamEvent>, headers: Headers, requestsWindowMs: number) {
    this.events = events;
    this.#headers = headers;
    this.#requestsWindowMs = requestsWindowMs;
  }

  get rateLimit(): RateLimitSnapshot | undefined {
    if (this.#rateLimit === null)
      this.#rateLimit = parseRateLimitHeaders(this.#headers, { requestsWindowMs: this.#requestsWindowMs });
    return this.#rateLimit;
  }

  get requestId(): string | undefined {
    if (this.#requestId === null) this.#requestId = this.#headers.get('x-request-id') ?? undefined;
    return this.#requestId;
  }
}
