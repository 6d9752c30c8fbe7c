/** Which API's conventions a request follows: its error bodies and stream frames. */
export type ClientShape = 'openai' | 'responses' | 'anthropic';

/** Gateway-level failures (the router never saw the request, or it could not answer at all). */
export type GatewayFailure =
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'too_large'
  | 'body_timeout'
  | 'timeout'
  | 'unavailable'
  | 'draining'
  | 'internal';

type Mapping = { status: number; openai: { type: string; code: string | null }; anthropic: string };

// What api.openai.com and api.anthropic.com answer for the same situation, so each SDK raises its
// own error class (AuthenticationError, NotFoundError, …) from the gateway's answer.
const FAILURES: Record<GatewayFailure, Mapping> = {
  unauthorized: {
    status: 401,
    openai: { type: 'invalid_request_error', code: 'invalid_api_key' },
    anthropic: 'authentication_error',
  },
  not_found: {
    status: 404,
    openai: { type: 'invalid_request_error', code: null },
    anthropic: 'not_found_error',
  },
  method_not_allowed: {
    status: 405,
    openai: { type: 'invalid_request_error', code: null },
    anthropic: 'invalid_request_error',
  },
  too_large: {
    status: 413,
    openai: { type: 'invalid_request_error', code: 'request_too_large' },
    anthropic: 'request_too_large',
  },
  // The client did not send its body in time (its fault, so not a 5xx the SDKs count against us).
  body_timeout: {
    status: 408,
    openai: { type: 'invalid_request_error', code: 'request_timeout' },
    anthropic: 'invalid_request_error',
  },
  timeout: { status: 504, openai: { type: 'server_error', code: 'timeout' }, anthropic: 'timeout_error' },
  unavailable: { status: 502, openai: { type: 'server_error', code: null }, anthropic: 'api_error' },
  draining: { status: 503, openai: { type: 'server_error', code: null }, anthropic: 'overloaded_error' },
  internal: { status: 500, openai: { type: 'server_error', code: null }, anthropic: 'api_error' },
};

export function failureStatus(failure: GatewayFailure): number {
  return FAILURES[failure].status;
}

/** The JSON error body the client's own API would send. */
export function errorBody(
  shape: ClientShape,
  failure: GatewayFailure,
  message: string,
  requestId: string,
): string {
  const mapping = FAILURES[failure];
  if (shape === 'anthropic')
    return JSON.stringify({
      type: 'error',
      error: { type: mapping.anthropic, message },
      request_id: requestId,
    });
  return JSON.stringify({
    error: { message, type: mapping.openai.type, param: null, code: mapping.openai.code },
  });
}

/**
 * The in-band event that ends a stream which broke for a reason the router's translation did not
 * frame itself (it frames every router failure): the client's SDK throws it while iterating, so a
 * broken stream never reads as a complete answer.
 */
export function streamErrorFrame(shape: ClientShape, message: string, requestId: string): string {
  if (shape === 'anthropic') {
    const body = { type: 'error', error: { type: 'api_error', message }, request_id: requestId };
    return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
  }
  const error = { message, type: 'server_error', param: null, code: null };
  if (shape === 'responses') {
    const body = { type: 'error', code: 'server_error', message, param: null, sequence_number: 0, error };
    return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
  }
  return `data: ${JSON.stringify({ error })}\n\n`;
}
