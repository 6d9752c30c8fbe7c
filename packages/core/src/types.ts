import type { CacheControl, CacheStatus } from './cache/response-cache.js';
import type { FailureClass } from './failure.js';

/** Reply roles understood by every adapter. */
export type Role = 'system' | 'user' | 'assistant' | 'tool';
export const ROLES: readonly Role[] = ['system', 'user', 'assistant', 'tool'];

export type TextPart = { type: 'text'; text: string };
/** An image given by URL (http(s) or data:) or by base64 data with its media type. */
export type ImagePart = { type: 'image'; url?: string; data?: string; mediaType?: string };
export type ContentPart = TextPart | ImagePart;

export type Message = {
  role: Role;
  /** Text, or parts (text and images). An assistant turn that only calls tools may have empty content. */
  content: string | ContentPart[];
  /** Assistant turns: the tool calls the model made. */
  toolCalls?: ToolCall[];
  /** Tool turns: which call this is the result of. */
  toolCallId?: string;
  /** Tool turns: the result is an error. */
  isError?: boolean;
};

export type JsonSchema = Record<string, unknown>;

export type ToolDefinition = {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
  strict?: boolean;
};

export type ToolCall = {
  id: string;
  name: string;
  /** Parsed arguments; when the model produced invalid JSON this is the raw string. */
  arguments: unknown;
  /** The arguments exactly as the model produced them. */
  rawArguments?: string;
};

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; schema: JsonSchema; name?: string; strict?: boolean };

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'other';
export const FINISH_REASONS: readonly FinishReason[] = [
  'stop',
  'length',
  'tool-calls',
  'content-filter',
  'other',
];

/**
 * Tokens one call used. `inputTokens` is every input token billed, whatever the provider calls it:
 * uncached, read from a prompt cache and written to it (Anthropic's `input_tokens` leaves the last two
 * out; the adapter adds them back). The cache counts are parts of it, priced on their own.
 */
export type Usage = {
  inputTokens: number;
  outputTokens: number;
  /** inputTokens + outputTokens (or more, when a provider counts other tokens in its total). */
  totalTokens: number;
  /** Input tokens read from the provider's prompt cache (already in inputTokens), when reported. */
  cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (already in inputTokens), when reported. */
  cacheWriteInputTokens?: number;
  /**
   * The part of `cacheWriteInputTokens` written with a 1-hour lifetime (Anthropic's `ttl: '1h'`),
   * priced at `cacheWrite1hUsdPerMTok`; absent when none was.
   */
  cacheWrite1hInputTokens?: number;
  /** Output tokens the model spent thinking (already included in outputTokens), when reported. */
  reasoningTokens?: number;
};

export type Capabilities = {
  tools?: boolean;
  vision?: boolean;
  json?: boolean;
  streaming?: boolean;
};

/** Per-minute limits (Anthropic separates input and output tokens). */
export type Limits = {
  rpm?: number;
  tpm?: number;
  inputTpm?: number;
  outputTpm?: number;
  maxConcurrent?: number;
};

/** The prices a model charges for a whole request once its input passes `aboveInputTokens`. */
export type LongContextPrices = {
  aboveInputTokens: number;
  inputUsdPerMTok: number;
  outputUsdPerMTok: number;
  /** Cache reads in a long request; the long-context input price when unset. */
  cachedInputUsdPerMTok?: number;
  /** Cache writes in a long request; the long-context input price when unset. */
  cacheWriteUsdPerMTok?: number;
  /** 1-hour cache writes in a long request; this tier's `cacheWriteUsdPerMTok` when unset. */
  cacheWrite1hUsdPerMTok?: number;
};

export type ModelSpec = {
  /** The provider's model id. */
  id: string;
  /** Our quality score, 1..10. */
  capability: number;
  inputUsdPerMTok: number;
  outputUsdPerMTok: number;
  /** Price of input tokens read from the provider's prompt cache; the input price when unset. */
  cachedInputUsdPerMTok?: number;
  /** Price of input tokens written to the provider's prompt cache; the input price when unset. */
  cacheWriteUsdPerMTok?: number;
  /** Price of cache writes with a 1-hour lifetime (Anthropic: 2x input); `cacheWriteUsdPerMTok` when unset. */
  cacheWrite1hUsdPerMTok?: number;
  /**
   * Long-context pricing: a request with more than `aboveInputTokens` input tokens is billed entirely
   * at these prices (GPT-5.x above 272k, Gemini Pro above 200k). Unset: one price at every length.
   */
  longContext?: LongContextPrices;
  contextWindow: number;
  maxOutputTokens?: number;
  supports?: Capabilities;
  /** Overrides the provider's limits for this model. */
  limits?: Limits;
};

/** A model id (any provider offering it) or a provider-qualified model. */
export type ModelRef = string | { provider: string; model: string };

export type Requirements = {
  tools?: boolean;
  vision?: boolean;
  json?: boolean;
  minContextWindow?: number;
};

export type ChatRequest = {
  messages: Message[];
  /** Pin a model, or an ordered list of models to try; omitted: rank every offered model. */
  model?: ModelRef | ModelRef[];
  minCapability?: number;
  require?: Requirements;
  maxTokens?: number;
  temperature?: number;
  stop?: string | string[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** Sampling seed, for providers that support one (others drop it with a warning). */
  seed?: number;
  /**
   * The response cache (router option `cache`): `false` skips it; `ttlMs` overrides how long this
   * answer is kept; `mode` (default 'default') is 'refresh', 'no-store' or 'only-if-cached'.
   */
  cache?: false | CacheControl;
  /** One deadline across every attempt and every wait. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Higher goes first when requests wait for capacity. Default 0. */
  priority?: number;
  metadata?: Record<string, string>;
  /** Whose request this is: selects `tenants[id]` settings and tenant-scoped budgets. */
  tenant?: string;
  /** chat(): give up on one attempt after this long (as `timeout`) and fall back; the router's by default. */
  attemptTimeoutMs?: number;
  /** Streams: fail over when no first content arrives in this time. */
  timeToFirstTokenMs?: number;
  /** Streams: end with StreamInterruptedError when no chunk arrives for this long after content began. */
  stallTimeoutMs?: number;
  /** Streams: what to do when a stream breaks after content was delivered. Default 'error'. */
  onInterrupt?: 'error' | 'continue';
  /** A content-filter refusal falls back to the next candidate instead of being returned. */
  fallbackOnContentFilter?: boolean;
  /** Hedged attempts (DESIGN §12): overrides the router's `hedge`; `false` turns hedging off. */
  hedge?: false | HedgeOptions;
};

/**
 * When an attempt has produced nothing (chat: no answer; stream: no first content) after `afterMs`,
 * a second attempt starts on the next candidate the limits, budgets and tenant rules admit right now
 * (none: no hedge, no waiting for one). The first to produce wins; the router aborts the other.
 */
export type HedgeOptions = { afterMs: number };

/** `cancelled`: a hedged race's other attempt won and the router aborted this one (not a failure). */
export type AttemptOutcome = 'success' | FailureClass | 'cancelled';

export type Attempt = {
  provider: string;
  model: string;
  outcome: AttemptOutcome;
  status?: number;
  message?: string;
  durationMs: number;
  /** Time spent waiting for capacity before this attempt. */
  waitedMs?: number;
  requestId?: string;
  /** Started as a hedge beside a slow attempt (router option or request `hedge`). */
  hedge?: boolean;
};

export type ChatResult = {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  costUsd: number;
  provider: string;
  model: string;
  attempts: Attempt[];
  requestId?: string;
  /** Parameters an adapter dropped because the provider does not support them, and similar notes. */
  warnings?: string[];
  /** With a response cache: 'hit' (stored or shared answer, $0), 'miss' or 'bypass'. */
  cache?: CacheStatus;
};

/** One limit window as a provider reported it. Durations are relative to when the response arrived. */
export type RateLimitWindow = {
  limit?: number;
  remaining?: number;
  /** Milliseconds until the window is full again. */
  resetMs?: number;
  /** Length of the window the limit applies to; 60 000 unless the provider says otherwise (Groq requests: a day). */
  windowMs?: number;
};

/** What a response's headers said about the limits of the model that served it. */
export type RateLimitSnapshot = {
  requests?: RateLimitWindow;
  tokens?: RateLimitWindow;
  inputTokens?: RateLimitWindow;
  outputTokens?: RateLimitWindow;
  /** From retry-after-ms, retry-after seconds or an HTTP date, clamped to be >= 0. */
  retryAfterMs?: number;
};
