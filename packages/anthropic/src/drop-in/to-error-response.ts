import {
  type ApiReply,
  BudgetExceededError,
  CacheMissError,
  type FailureClass,
  type RouterError,
} from '@spillway/core';
import { finalFailure, jsonReply, replyResponse } from '@spillway/core/internal';

type Shape = { status: number; type: string };

// What Anthropic itself would have answered for each failure class.
const SHAPES: Record<FailureClass, Shape> = {
  rate_limit: { status: 429, type: 'rate_limit_error' },
  quota: { status: 402, type: 'billing_error' },
  overloaded: { status: 529, type: 'overloaded_error' },
  server: { status: 500, type: 'api_error' },
  timeout: { status: 504, type: 'timeout_error' },
  connection: { status: 502, type: 'api_error' },
  auth: { status: 401, type: 'authentication_error' },
  not_found: { status: 404, type: 'not_found_error' },
  context_length: { status: 400, type: 'invalid_request_error' },
  too_large: { status: 413, type: 'request_too_large' },
  invalid_request: { status: 400, type: 'invalid_request_error' },
  content_filter: { status: 400, type: 'invalid_request_error' },
  stream_cut: { status: 500, type: 'api_error' },
  stall: { status: 504, type: 'timeout_error' },
  adapter_error: { status: 500, type: 'api_error' },
};

// Router errors that no provider answer stands behind: a spend budget with no room before the
// deadline is a rate limit the client may retry after `retryAfterMs`, and an `only-if-cached` miss is
// what HTTP caches answer 504 for.
const BUDGET: Shape = { status: 429, type: 'rate_limit_error' };
const CACHE_MISS: Shape = { status: 504, type: 'timeout_error' };

function shapeOf(error: RouterError): Shape {
  if (BudgetExceededError.isInstance(error)) return BUDGET;
  if (CacheMissError.isInstance(error)) return CACHE_MISS;
  return SHAPES[finalFailure(error)];
}

/** The body Anthropic sends for an error: `{ type: 'error', error: { type, message }, request_id }`. */
export function errorBody(error: RouterError, requestId: string) {
  return {
    type: 'error' as const,
    error: { type: shapeOf(error).type, message: error.message },
    request_id: requestId,
  };
}

/**
 * A router failure → the HTTP answer Anthropic would have sent, so the SDK raises its own error class
 * (`RateLimitError`, `OverloadedError`, …) from it.
 */
export function toErrorReply(error: RouterError, requestId: string): ApiReply {
  const headers: Record<string, string> = { 'request-id': requestId, 'x-should-retry': 'false' };
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  if (typeof retryAfterMs === 'number') {
    headers['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
    headers['retry-after-ms'] = String(Math.ceil(retryAfterMs));
  }
  return jsonReply(shapeOf(error).status, errorBody(error, requestId), headers);
}

/** {@link toErrorReply} as a web `Response`. */
export function toErrorResponse(error: RouterError, requestId: string): Response {
  return replyResponse(toErrorReply(error, requestId));
}
