import { type HeaderReader, parseRetryAfter } from '../adapter/rate-limit-headers.js';
import { ProviderError } from '../errors.js';
import type { FailureClass } from '../failure.js';
import { redact } from '../redact.js';
import type { RateLimitSnapshot } from '../types.js';
import { parseLimitMessage } from './parse-limit-message.js';
import { parseRateLimitHeaders } from './parse-rate-limit-headers.js';
import type { WireErrorBody } from './wire-types.js';

/** What an SDK error tells us, independent of which Stainless SDK raised it. */
export type ErrorFacts = {
  /**
   * `status`: the server answered with an error status; `in-band`: an error object inside a 200
   * stream (no status); `timeout` / `connection`: no usable answer; `malformed`: a body we could not
   * parse; `cut`: the connection dropped while a body was being read; `unsendable`: the SDK could not
   * encode the request (a cycle, a BigInt), so nothing was sent.
   */
  kind: 'status' | 'in-band' | 'timeout' | 'connection' | 'malformed' | 'cut' | 'unsendable';
  status?: number;
  headers?: HeaderReader;
  /** The inner error object (`{ message, type, code }`), when there is one. */
  body?: WireErrorBody;
  message: string;
};

const CONTEXT_LENGTH =
  /maximum context length|context window|context_length|reduce the length of the messages|prompt is too long/i;
const TOO_LARGE = /request too large/i;
const CONTENT_FILTER = /content_filter|content_policy|safety system|flagged/i;
const OVERLOADED = /overloaded|capacity|slow down/i;

/** Classifies a failed Chat Completions call (OpenAI, Groq or compatible) for the router. */
export function classifyError(facts: ErrorFacts): FailureClass {
  if (facts.kind === 'timeout') return 'timeout';
  if (facts.kind === 'connection') return 'connection';
  if (facts.kind === 'cut') return 'stream_cut';
  if (facts.kind === 'malformed') return 'server';
  if (facts.kind === 'unsendable') return 'invalid_request';
  const { status } = facts;
  const type = text(facts.body?.type);
  const code = text(facts.body?.code);
  const message = text(facts.body?.message) || facts.message;
  const shouldRetry = facts.headers?.get('x-should-retry')?.trim().toLowerCase();

  if (type === 'insufficient_quota' || code === 'insufficient_quota') return 'quota';
  if (TOO_LARGE.test(message) && (status === 429 || status === 413 || type === 'tokens')) return 'too_large';
  if (code === 'context_length_exceeded' || CONTEXT_LENGTH.test(message)) return 'context_length';
  if (status === 429 || type === 'requests' || type === 'tokens' || code === 'rate_limit_exceeded') {
    // A 429 the server says not to retry will not clear by waiting a little: treat it as a spent quota.
    return shouldRetry === 'false' ? 'quota' : 'rate_limit';
  }
  if (status === 401 || status === 403 || type === 'authentication_error' || code === 'invalid_api_key') {
    return 'auth';
  }
  if (status === 404 || code === 'model_not_found') return 'not_found';
  if (CONTENT_FILTER.test(code) || (status === 400 && CONTENT_FILTER.test(type))) return 'content_filter';
  if (status === 503 || status === 498 || status === 529 || code === 'capacity_exceeded') return 'overloaded';
  if (status === 408) return 'timeout';
  if (status !== undefined && status >= 500) return 'server';
  if (status === 409) return 'server';
  if (status !== undefined && status >= 400) return 'invalid_request';
  // In-band errors carry no status: judge by what they say.
  if (type === 'overloaded_error' || OVERLOADED.test(message)) return 'overloaded';
  return 'server';
}

export type ErrorContext = {
  provider: string;
  model: string;
  requestsWindowMs: number;
  cause?: unknown;
};

/** Facts → the classified, redacted `ProviderError` the router acts on. */
export function toProviderError(facts: ErrorFacts, context: ErrorContext): ProviderError {
  const failure = classifyError(facts);
  const detail = text(facts.body?.message) || facts.message;
  const headers = parseRateLimitHeaders(facts.headers, { requestsWindowMs: context.requestsWindowMs });
  const rateLimit = withNamedWindow(
    headers,
    failure === 'rate_limit' ? parseLimitMessage(detail) : undefined,
  );
  const retryAfterMs = parseRetryAfter(facts.headers);
  const requestId = facts.headers?.get('x-request-id') ?? undefined;
  const status = facts.status === undefined ? '' : ` ${facts.status}`;
  return new ProviderError(redact(`${context.provider}${status} (${failure}): ${stripStatus(detail)}`), {
    failure,
    provider: context.provider,
    model: context.model,
    ...(facts.status !== undefined ? { status: facts.status } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(rateLimit ? { rateLimit } : {}),
    ...(requestId ? { requestId } : {}),
    cause: redactedCause(context.cause),
  });
}

// The message names the window that refused the call: it wins over a header about another window of the
// same dimension (Groq's headers count requests per day; its 429 may be about the minute).
function withNamedWindow(
  headers: RateLimitSnapshot | undefined,
  named: RateLimitSnapshot | undefined,
): RateLimitSnapshot | undefined {
  if (!named) return headers;
  const merged: RateLimitSnapshot = { ...headers };
  if (named.requests && headers?.requests?.windowMs !== named.requests.windowMs)
    merged.requests = named.requests;
  if (named.tokens && headers?.tokens?.windowMs !== named.tokens.windowMs) merged.tokens = named.tokens;
  return merged;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

// SDK messages start with the status ("429 Rate limit reached…"); we print the status once ourselves.
function stripStatus(message: string): string {
  return message.replace(/^\d{3} /, '');
}

// The SDK error may carry the request's headers or a key echoed by the server; keep only a safe summary.
function redactedCause(cause: unknown): Error | undefined {
  if (!(cause instanceof Error)) return undefined;
  const safe = new Error(redact(cause.message));
  safe.name = cause.constructor?.name ?? cause.name;
  return safe;
}
