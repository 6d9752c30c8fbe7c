/**
 * Why an attempt failed. Adapters classify provider errors into these; `FAILURE_TABLE` below is the
 * only place that decides what each one does.
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
  | 'stall'
  /**
   * The adapter threw something that is not a ProviderError (a bug in it, or an error it failed to
   * classify): neither the provider's fault nor the caller's, so the request falls back and no
   * provider state changes.
   */
  | 'adapter_error';

/**
 * What one failure does. The attempt loop, the breaker, the cooldowns, the budgets and the stats each
 * read their column; none of them decides by naming a class.
 */
export type FailurePolicy = {
  /** The same model may be tried again (after backoff) when no other candidate is left. */
  readonly retry: boolean;
  /** Counts against the model's circuit breaker: the provider looks unhealthy, not busy or misused. */
  readonly breaker: boolean;
  /** Cools the model down: for Retry-After / the exhausted window / backoff, or for the long quota time. */
  readonly cooldown: 'rate_limit' | 'quota' | undefined;
  /**
   * What the call is charged against the model's budgets: one request only (refused before the model
   * read the prompt: the tokens come back), or the request and the prompt's tokens (it may have run).
   */
  readonly charge: 'request' | 'prompt';
  /** Counted in `rateLimited` and announced as `rate-limited`. */
  readonly rateLimited: boolean;
  /**
   * What the request does next: try the next candidate; end with InvalidRequestError (the request is
   * at fault); disable the provider for the router's life; drop the model; fall back only to larger
   * context windows; or return the refusal (unless the request opts into falling back).
   */
  readonly next: 'fallback' | 'fail' | 'disable-provider' | 'drop-model' | 'larger-window' | 'refusal';
};

// One line per class (DESIGN §2, §5). A caller's fault (invalid_request) touches no provider state, and
// neither does an adapter's (adapter_error); the latter still charges the prompt: the call may have run.
// biome-ignore format: one row per class reads as a table
export const FAILURE_TABLE: Readonly<Record<FailureClass, FailurePolicy>> = {
  rate_limit:      { retry: true,  breaker: false, cooldown: 'rate_limit', charge: 'request', rateLimited: true,  next: 'fallback' },
  quota:           { retry: false, breaker: false, cooldown: 'quota',      charge: 'request', rateLimited: true,  next: 'fallback' },
  overloaded:      { retry: true,  breaker: true,  cooldown: undefined,    charge: 'request', rateLimited: false, next: 'fallback' },
  server:          { retry: true,  breaker: true,  cooldown: undefined,    charge: 'prompt',  rateLimited: false, next: 'fallback' },
  timeout:         { retry: true,  breaker: true,  cooldown: undefined,    charge: 'prompt',  rateLimited: false, next: 'fallback' },
  connection:      { retry: true,  breaker: true,  cooldown: undefined,    charge: 'prompt',  rateLimited: false, next: 'fallback' },
  auth:            { retry: false, breaker: false, cooldown: undefined,    charge: 'request', rateLimited: false, next: 'disable-provider' },
  not_found:       { retry: false, breaker: false, cooldown: undefined,    charge: 'request', rateLimited: false, next: 'drop-model' },
  context_length:  { retry: false, breaker: false, cooldown: undefined,    charge: 'request', rateLimited: false, next: 'larger-window' },
  too_large:       { retry: false, breaker: false, cooldown: undefined,    charge: 'request', rateLimited: false, next: 'fallback' },
  invalid_request: { retry: false, breaker: false, cooldown: undefined,    charge: 'request', rateLimited: false, next: 'fail' },
  content_filter:  { retry: false, breaker: false, cooldown: undefined,    charge: 'prompt',  rateLimited: false, next: 'refusal' },
  stream_cut:      { retry: true,  breaker: true,  cooldown: undefined,    charge: 'prompt',  rateLimited: false, next: 'fallback' },
  stall:           { retry: true,  breaker: true,  cooldown: undefined,    charge: 'prompt',  rateLimited: false, next: 'fallback' },
  adapter_error:   { retry: false, breaker: false, cooldown: undefined,    charge: 'prompt',  rateLimited: false, next: 'fallback' },
};

export const FAILURE_CLASSES = Object.keys(FAILURE_TABLE) as readonly FailureClass[];

/** The policy of `failure`; anything that is not a known class is read as `server`. */
export function failurePolicy(failure: FailureClass): FailurePolicy {
  return FAILURE_TABLE[failure] ?? FAILURE_TABLE.server;
}

/** Failures that count against a model's circuit breaker (the table's `breaker` column). */
export function isBreakerFailure(failure: FailureClass): boolean {
  return failurePolicy(failure).breaker;
}
