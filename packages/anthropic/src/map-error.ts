import { abortReason, type FailureClass, InvalidRequestError, ProviderError, redact } from '@spillway/core';
import { type HeaderReader, parseRetryAfter } from '@spillway/core/adapter';
import { parseRateLimitHeaders } from './parse-rate-limit-headers.js';

export type ErrorContext = {
  provider: string;
  model: string;
  signal: AbortSignal;
  /** 'stream': the error came while reading an open stream (after the 200). */
  phase: 'request' | 'stream';
};

const SPEND_LIMIT_CODES = new Set(['enforced_spend_limit_reached', 'contract_spend_limit_reached']);
// Anthropic's wordings for an input that does not fit the model's window (both are 400s).
const CONTEXT_LENGTH = /prompt is too long|exceed(?:s|ed)? (?:the )?context (?:limit|window)/i;
// What JSON.stringify throws on a request body it cannot encode (V8's wording).
const UNENCODABLE = /circular structure|serialize a BigInt/i;
// A zero credit balance arrives as a 400 invalid_request_error (with x-should-retry: false).
const CREDIT_BALANCE = /credit balance/i;

/** What an `@anthropic-ai/sdk` API error carries, read from the instance (see `sdkError`). */
type SdkApiError = {
  name: string;
  message: string;
  status: number | undefined;
  headers: HeaderReader | undefined;
  requestID: string | undefined;
  apiMessage: string | undefined;
  type: string | null;
  errorCode: string | null;
  /** The parsed error body; an API error without status or body is a connection failure. */
  hasBody: boolean;
};

/**
 * Reads an SDK error by its fields, never with `instanceof`: a client the user passes may come from
 * the other (CJS/ESM) copy of the SDK, whose classes are different objects. Anything that is not an
 * API error (no `status` field, no error name of the SDK's) gives undefined.
 */
function sdkError(error: unknown): SdkApiError | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const fields = error as Record<string, unknown>;
  const name = typeof fields.name === 'string' ? fields.name : '';
  if (!/^API|Error$/.test(name)) return undefined;
  const headers = fields.headers as HeaderReader | undefined;
  return {
    name,
    message: typeof fields.message === 'string' ? fields.message : name,
    status: typeof fields.status === 'number' ? fields.status : undefined,
    headers: typeof headers?.get === 'function' ? headers : undefined,
    requestID: typeof fields.requestID === 'string' ? fields.requestID : undefined,
    apiMessage: typeof fields.apiMessage === 'string' ? fields.apiMessage : undefined,
    type: typeof fields.type === 'string' ? fields.type : null,
    errorCode: typeof fields.errorCode === 'string' ? fields.errorCode : null,
    hasBody: fields.error !== undefined && fields.error !== null,
  };
}

/**
 * Turns whatever a call threw into what the adapter throws: the signal's reason when the caller
 * aborted, otherwise a classified `ProviderError` whose message has been through `redact`.
 */
export function mapError(error: unknown, context: ErrorContext): unknown {
  if (context.signal.aborted) return abortReason(context.signal);
  if (ProviderError.isInstance(error)) return error;
  // Our own conversion refused the request (an image type Anthropic does not take): the caller's fault.
  if (InvalidRequestError.isInstance(error)) return conversionError(error, context);
  const api = sdkError(error);
  if (api?.name === 'APIUserAbortError') return abortReason(context.signal);
  if (!api) {
    // The SDK could not encode the request body (a cycle, a BigInt): nothing was sent.
    if (context.phase === 'request' && error instanceof TypeError && UNENCODABLE.test(error.message))
      return conversionError(error, context);
    // Not from the SDK's HTTP layer: the body failed to parse, or the socket broke mid-stream.
    const failure: FailureClass = context.phase === 'stream' ? 'stream_cut' : 'server';
    return providerError(failure, `Anthropic: ${describe(error)}`, context, error);
  }
  return apiError(api, context, error);
}

function apiError(api: SdkApiError, context: ErrorContext, cause: unknown): ProviderError {
  const { headers, status } = api;
  const failure = classify(api);
  const options: ProviderErrorExtras = { status, requestId: api.requestID };
  if (headers) {
    options.rateLimit = parseRateLimitHeaders(headers);
    options.retryAfterMs = parseRetryAfter(headers);
  }
  return providerError(failure, `Anthropic ${status ?? 'stream'}: ${api.message}`, context, cause, options);
}

/**
 * An `event: error` inside a 200 stream, with that response's headers: read into the same facts as
 * the `APIError` the SDK's stream raises for it (no status; the body, its `error.type` and message;
 * the request id and rate limits of the 200), so it is classified as before the adapter read streams
 * itself (decision 2251): `overloaded_error` is overloaded, `rate_limit_error` a rate limit, and so on.
 */
export function inBandError(data: string, headers: Headers, context: ErrorContext): unknown {
  if (context.signal.aborted) return abortReason(context.signal);
  const body = safeJson(data) ?? data;
  const inner = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const error = (typeof inner === 'object' && inner !== null ? inner : {}) as {
    type?: unknown;
    message?: unknown;
    details?: { error_code?: unknown } | null;
  };
  const errorCode = error.details?.error_code;
  return apiError(
    {
      name: 'APIError',
      message: sdkMessage(body),
      status: undefined,
      headers,
      requestID: headers.get('request-id') ?? undefined,
      apiMessage: typeof error.message === 'string' ? error.message : undefined,
      type: typeof error.type === 'string' ? error.type : null,
      errorCode: typeof errorCode === 'string' ? errorCode : null,
      hasBody: true,
    },
    context,
    undefined,
  );
}

/** The message the SDK's `APIError` gives a body without a status. */
function sdkMessage(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  if (message) return typeof message === 'string' ? message : JSON.stringify(message);
  if (body) return JSON.stringify(body);
  return '(no status code or body)';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What a request conversion threw: the request is something this provider cannot take (an image
 * type it does not accept, a value it cannot encode). The caller's fault, never the provider's.
 */
export function conversionError(
  error: unknown,
  context: Pick<ErrorContext, 'provider' | 'model'>,
): ProviderError {
  const message = InvalidRequestError.isInstance(error) ? error.message : describe(error);
  return providerError('invalid_request', `Anthropic: ${message}`, context, error);
}

/** The failure class of an SDK API error, from its status and body. */
function classify(error: SdkApiError): FailureClass {
  const { status } = error;
  if (error.name === 'APIConnectionTimeoutError') return 'timeout';
  if (error.name === 'APIConnectionError') return 'connection';
  // Older SDK copies name every error 'Error': a connection failure is the one with neither.
  if (status === undefined && !error.hasBody)
    return /timed? ?out/i.test(error.message) ? 'timeout' : 'connection';
  const message = error.apiMessage ?? error.message;
  if (status === undefined) return classifyType(error.type, message);
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 429) {
    if (error.errorCode !== null && SPEND_LIMIT_CODES.has(error.errorCode)) return 'quota';
    // A 429 the server says must not be retried is not a passing rate limit (ramp limits do say retry).
    if (error.headers?.get('x-should-retry') === 'false') return 'quota';
    return 'rate_limit';
  }
  // 503 means the service has no capacity right now, like 529: treat both as overload.
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500 || status === 409) return 'server';
  if (CONTEXT_LENGTH.test(message)) return 'context_length';
  if (CREDIT_BALANCE.test(message)) return 'quota';
  return 'invalid_request';
}

/** An in-band `event: error` has no status: classify it from `error.type`. */
function classifyType(type: string | null, message: string): FailureClass {
  switch (type) {
    case 'overloaded_error':
      return 'overloaded';
    case 'rate_limit_error':
      return 'rate_limit';
    case 'timeout_error':
      return 'timeout';
    case 'authentication_error':
    case 'permission_error':
      return 'auth';
    case 'billing_error':
      return 'quota';
    case 'not_found_error':
      return 'not_found';
    case 'invalid_request_error':
    case 'request_too_large':
      return CONTEXT_LENGTH.test(message) ? 'context_length' : 'invalid_request';
    default:
      // api_error and anything unknown: the service failed mid-answer.
      return 'server';
  }
}

type ProviderErrorExtras = {
  status?: number | undefined;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
  rateLimit?: ReturnType<typeof parseRateLimitHeaders>;
};

export function providerError(
  failure: FailureClass,
  message: string,
  context: Pick<ErrorContext, 'provider' | 'model'>,
  cause?: unknown,
  extras: ProviderErrorExtras = {},
): ProviderError {
  const safe = redact(message);
  return new ProviderError(safe, {
    failure,
    provider: context.provider,
    model: context.model,
    // An SDK error whose text echoed a secret is not kept as the cause: it could be logged as is.
    cause: cause !== undefined && redact(describe(cause)) === describe(cause) ? cause : undefined,
    ...definedOnly(extras),
  });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
