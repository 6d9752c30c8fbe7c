import {
  type ApiReply,
  BudgetExceededError,
  CacheMissError,
  type FailureClass,
  RouterError,
} from '@spillway/core';
import { finalFailure, jsonReply, replyResponse } from '@spillway/core/internal';

type Shape = { status: number; type: string; code: string | null };

// What OpenAI itself would have answered for each failure class.
const SHAPES: Record<FailureClass, Shape> = {
  rate_limit: { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  quota: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  overloaded: { status: 503, type: 'server_error', code: null },
  server: { status: 500, type: 'server_error', code: null },
  timeout: { status: 504, type: 'server_error', code: 'timeout' },
  connection: { status: 502, type: 'server_error', code: null },
  auth: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  not_found: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  context_length: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' },
  too_large: { status: 400, type: 'invalid_request_error', code: 'request_too_large' },
  invalid_request: { status: 400, type: 'invalid_request_error', code: null },
  content_filter: { status: 400, type: 'invalid_request_error', code: 'content_filter' },
  stream_cut: { status: 502, type: 'server_error', code: null },
  stall: { status: 504, type: 'server_error', code: 'timeout' },
  adapter_error: { status: 500, type: 'server_error', code: null },
};

// Router errors that no provider answer stands behind: a spend budget with no room before the
// deadline is a rate limit the client may retry after `retryAfterMs` (not a server fault), and an
// `only-if-cached` miss is what HTTP caches answer 504 for.
const BUDGET: Shape = { status: 429, type: 'requests', code: 'budget_exceeded' };
const CACHE_MISS: Shape = { status: 504, type: 'server_error', code: 'cache_miss' };

/** What OpenAI would have answered for this router error. */
export function shapeOf(error: RouterError): Shape {
  if (BudgetExceededError.isInstance(error)) return BUDGET;
  if (CacheMissError.isInstance(error)) return CACHE_MISS;
  return SHAPES[finalFailure(error)];
}

/** The body OpenAI sends for an error: `{ error: { message, type, param, code } }`. */
export function errorBody(error: RouterError): {
  error: { message: string; type: string; param: string | null; code: string | null };
} {
  const shape = shapeOf(error);
  const field = (error as { field?: unknown }).field;
  return {
    error: {
      message: error.message,
      type: shape.type,
      param: typeof field === 'string' ? field : null,
      code: shape.code,
    },
  };
}

/**
 * A router failure → the HTTP answer OpenAI would have sent, so the SDK raises its own error class
 * (`RateLimitError`, `BadRequestError`, …) from it. Errors that are not the router's are rethrown.
 */
export function toErrorReply(error: unknown, requestId: string): ApiReply {
  if (!RouterError.isInstance(error)) throw error;
  const headers: Record<string, string> = { 'x-request-id': requestId, 'x-should-retry': 'false' };
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  if (typeof retryAfterMs === 'number') {
    headers['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
    headers['retry-after-ms'] = String(Math.ceil(retryAfterMs));
  }
  return jsonReply(shapeOf(error).status, errorBody(error), headers);
}

/** {@link toErrorReply} as a web `Response`. */
export function toErrorResponse(error: unknown, requestId: string): Response {
  return replyResponse(toErrorReply(error, requestId));
}
