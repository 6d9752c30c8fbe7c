import {
  abortReason,
  type FailureClass,
  ProviderError,
  type RateLimitSnapshot,
  redact,
} from '@spillway/core';
import { type GoogleStatus, readQuotaFailure } from './read-quota-failure.js';

export type ErrorContext = {
  provider: string;
  model: string;
  signal: AbortSignal;
  /** 'stream': the error came while reading an open stream (after the 200). */
  phase: 'request' | 'stream';
  /** Clock for the per-day quota reset. */
  now: () => number;
};

type Classified = {
  failure: FailureClass;
  status?: number;
  retryAfterMs?: number;
  rateLimit?: RateLimitSnapshot;
  message: string;
};

const CONTEXT_LENGTH = /input token count.*exceeds|exceeds the maximum number of tokens/i;

/**
 * Turns whatever a call threw into what the adapter throws: the signal's reason when the caller
 * aborted, otherwise a classified `ProviderError`. `@google/genai` errors are read by their `status`
 * and the JSON body in their message, never by class (a client passed in may be another copy).
 */
export function mapError(error: unknown, context: ErrorContext): unknown {
  if (context.signal.aborted) return abortReason(context.signal);
  if (ProviderError.isInstance(error)) return error;
  const classified = classify(error, context);
  return new ProviderError(redact(`Google ${classified.status ?? context.phase}: ${classified.message}`), {
    failure: classified.failure,
    provider: context.provider,
    model: context.model,
    cause: safeCause(error),
    ...(classified.status !== undefined ? { status: classified.status } : {}),
    ...(classified.retryAfterMs !== undefined ? { retryAfterMs: classified.retryAfterMs } : {}),
    ...(classified.rateLimit ? { rateLimit: classified.rateLimit } : {}),
  });
}

function classify(error: unknown, context: ErrorContext): Classified {
  const message = error instanceof Error ? error.message || error.name : String(error);
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') return classifyStatus(status, bodyOf(message), message, context);
  const name = error instanceof Error ? error.name : '';
  // The SDK's own timer (httpOptions.timeout) aborts without a reason: the caller's signal is intact.
  if (name === 'AbortError' || name === 'TimeoutError') return { failure: 'timeout', message };
  if (error instanceof SyntaxError) return { failure: 'server', message: `malformed response: ${message}` };
  if (context.phase === 'stream')
    return { failure: 'stream_cut', message: `the stream broke off (${message})` };
  // fetch's TypeError: the connection failed ("fetch failed", with the socket error as its cause).
  if (
    error instanceof TypeError &&
    /fetch failed|terminated|socket|ECONN/i.test(`${message} ${causeText(error)}`)
  )
    return { failure: 'connection', message: `${message} (${causeText(error)})` };
  // Anything else was thrown before a byte was sent (e.g. a schema JSON cannot encode): the request's fault.
  return { failure: 'invalid_request', message };
}

function classifyStatus(
  status: number,
  body: GoogleStatus | undefined,
  raw: string,
  context: ErrorContext,
): Classified {
  const message = body?.message ?? raw;
  if (status === 429) return { status, message, ...readQuotaFailure(body, context.now()) };
  return { status, message, failure: failureOf(status, body, message) };
}

function failureOf(status: number, body: GoogleStatus | undefined, message: string): FailureClass {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  // An invalid key is a 400 INVALID_ARGUMENT whose ErrorInfo reason says so.
  if (reasons(body).some((reason) => reason.startsWith('API_KEY_'))) return 'auth';
  // The account cannot use the API as configured (region, billing): a provider to disable, not a bad request.
  if (body?.status === 'FAILED_PRECONDITION') return 'auth';
  if (CONTEXT_LENGTH.test(message)) return 'context_length';
  return 'invalid_request';
}

function reasons(body: GoogleStatus | undefined): string[] {
  return (body?.details ?? []).flatMap((detail) => {
    const reason = (detail as { reason?: unknown } | null)?.reason;
    return typeof reason === 'string' ? [reason] : [];
  });
}

/** The SDK puts the body in the message: `{"error":{…}}`, or `got status: 500. {"error":{…}}` mid-stream. */
function bodyOf(message: string): GoogleStatus | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: GoogleStatus };
    return typeof parsed.error === 'object' && parsed.error !== null ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

function causeText(error: Error): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  return String(cause?.code ?? cause?.message ?? '');
}

// An SDK error whose text echoed a secret is not kept as the cause: it could be logged as is.
function safeCause(error: unknown): unknown {
  const text = error instanceof Error ? error.message : String(error);
  return redact(text) === text ? error : undefined;
}

/** A caller's mistake found while converting the request: never counted against the provider. */
export function invalidRequest(message: string, context: { provider: string; model: string }): ProviderError {
  return new ProviderError(redact(`Google: ${message}`), {
    failure: 'invalid_request',
    provider: context.provider,
    model: context.model,
  });
}
