import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import {
  type Attempt,
  attachRoutingInfo,
  attemptsOf,
  DeadlineExceededError,
  type FailureClass,
  finalFailure,
  RouterError,
  StreamInterruptedError,
} from '@llm-router/core';

type Shape = { status: number; type: string };

// What Anthropic itself would have answered for each failure class.
const SHAPES: Record<FailureClass, Shape | 'timeout' | 'connection'> = {
  rate_limit: { status: 429, type: 'rate_limit_error' },
  quota: { status: 402, type: 'billing_error' },
  overloaded: { status: 529, type: 'overloaded_error' },
  server: { status: 500, type: 'api_error' },
  timeout: 'timeout',
  connection: 'connection',
  auth: { status: 401, type: 'authentication_error' },
  not_found: { status: 404, type: 'not_found_error' },
  context_length: { status: 400, type: 'invalid_request_error' },
  too_large: { status: 413, type: 'request_too_large' },
  invalid_request: { status: 400, type: 'invalid_request_error' },
  content_filter: { status: 400, type: 'invalid_request_error' },
  stream_cut: { status: 500, type: 'api_error' },
  stall: { status: 504, type: 'timeout_error' },
};

/**
 * A router failure → the error `@anthropic-ai/sdk` would have thrown, so `instanceof
 * Anthropic.RateLimitError`, `err.status` and `err.type` keep working. The router's error is the
 * `cause`; its attempts are on the non-enumerable `llmRouter` field. Other errors pass through.
 */
export function toAnthropicError(error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return withCause(new APIUserAbortError(), error, []);
  if (!RouterError.isInstance(error)) return error;
  const attempts = attemptsOf(error);
  if (StreamInterruptedError.isInstance(error)) {
    // After content began the SDK reports an in-band error: an APIError with no status.
    const type = shapeOf(error.failure).type;
    const body = { type: 'error', error: { type, message: error.message } };
    return withCause(new APIError(undefined, body, undefined, new Headers(), type as never), error, attempts);
  }
  if (DeadlineExceededError.isInstance(error)) {
    return withCause(new APIConnectionTimeoutError({ message: error.message }), error, attempts);
  }
  const shape = SHAPES[finalFailure(error)];
  if (shape === 'timeout')
    return withCause(new APIConnectionTimeoutError({ message: error.message }), error, attempts);
  if (shape === 'connection')
    return withCause(new APIConnectionError({ message: error.message }), error, attempts);
  const headers = new Headers({ 'x-should-retry': 'false' });
  const retryAfterMs = 'retryAfterMs' in error ? (error.retryAfterMs as number | undefined) : undefined;
  if (retryAfterMs !== undefined) {
    headers.set('retry-after', String(Math.ceil(retryAfterMs / 1000)));
    headers.set('x-should-retry', 'true');
  }
  const requestId = attempts.at(-1)?.requestId;
  if (requestId) headers.set('request-id', requestId);
  const body = { type: 'error', error: { type: shape.type, message: error.message } };
  return withCause(APIError.generate(shape.status, body, undefined, headers), error, attempts);
}

function shapeOf(failure: FailureClass): Shape {
  const shape = SHAPES[failure];
  if (shape === 'timeout') return { status: 504, type: 'timeout_error' };
  if (shape === 'connection') return { status: 500, type: 'api_error' };
  return shape;
}

function withCause<T extends Error>(target: T, cause: unknown, attempts: Attempt[]): T {
  Object.defineProperty(target, 'cause', {
    value: cause,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  const last = attempts.at(-1);
  return attachRoutingInfo(target, {
    attempts,
    ...(last ? { provider: last.provider, model: last.model } : {}),
  });
}
