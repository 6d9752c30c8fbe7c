/**
 * Why an attempt failed. Adapters classify provider errors into these; the router decides what to do
 * with each (see DESIGN §2 and `failure-actions.ts`).
 */
export type FailureClass =
  | 'rate_limit'
  | 'quota'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'auth'
  | 'not_found'
  | 'context_length'
  /** One request is larger than the model's token limit can ever admit (OpenAI 429 / Groq 413 "Request too large"). */
  | 'too_large'
  | 'invalid_request'
  | 'content_filter'
  | 'stream_cut'
  | 'stall';

export const FAILURE_CLASSES: readonly FailureClass[] = [
  'rate_limit',
  'quota',
  'overloaded',
  'server',
  'timeout',
  'connection',
  'auth',
  'not_found',
  'context_length',
  'too_large',
  'invalid_request',
  'content_filter',
  'stream_cut',
  'stall',
];

/** Failures that count against a model's circuit breaker: the provider is unhealthy, not busy or misused. */
export function isBreakerFailure(failure: FailureClass): boolean {
  return (
    failure === 'overloaded' ||
    failure === 'server' ||
    failure === 'timeout' ||
    failure === 'connection' ||
    failure === 'stream_cut' ||
    failure === 'stall'
  );
}
