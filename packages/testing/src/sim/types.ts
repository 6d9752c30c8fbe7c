import type { PromptCacheOptions } from './prompt-cache.js';
import type { Wire } from './wire.js';

/** The wire protocols built in; any other protocol is a `Wire` object passed as `protocol`. */
export type SimProtocol = 'openai' | 'anthropic' | 'groq' | 'gemini';

/**
 * Limits per (API key, model), enforced with continuously refilling token buckets like the real
 * services. Unset limits default to very large values (headers are still sent).
 */
export type SimLimits = {
  /** Requests per minute (all protocols). */
  rpm?: number;
  /** Requests per day (Groq, Gemini; Groq's `x-ratelimit-*-requests` headers report this one). */
  rpd?: number;
  /** Tokens per minute (OpenAI, Groq; Gemini counts input tokens only). */
  tpm?: number;
  /** Anthropic input tokens per minute. */
  inputTpm?: number;
  /** Anthropic output tokens per minute. */
  outputTpm?: number;
  /** Send 429s without any rate-limit or retry-after headers (real OpenAI 429s sometimes have none). */
  omitHeadersOn429?: boolean;
};

export type SimLatency = {
  /** Delay before the first byte of the answer (ms). Default 0. */
  ttftMs?: number;
  /** Streaming pace after the first token; also delays non-streamed answers. Default: instant. */
  tokensPerSecond?: number;
  /**
   * A slow tail: this `share` (0..1) of calls, drawn with the seed, waits `ms` before its first byte
   * instead of `ttftMs` (e.g. `{ share: 0.1, ms: 3000 }` for a provider that sometimes hangs).
   */
  slow?: { share: number; ms: number };
};

/** Every outcome a request can be forced into, by probability or by script. */
export type SimOutcome =
  | 'ok'
  | 'rateLimit'
  | 'quota'
  | 'serverError'
  | 'overloaded'
  | 'timeout'
  | 'connectionReset'
  | 'stallMidStream'
  | 'cutMidStream'
  | 'dropMidStream'
  | 'inbandError'
  | 'malformed'
  | 'authError'
  | 'modelNotFound'
  | 'contextLength';

/** A scripted outcome with parameters. */
export type SimScriptStep = {
  outcome: SimOutcome;
  /** rateLimit: wait the 429 asks for (default 1000 ms). */
  retryAfterMs?: number;
  /** rateLimit: which bucket the 429 names (default 'requests'). */
  limitType?: 'requests' | 'tokens';
  /** rateLimit / quota: send no rate-limit or retry-after headers. */
  omitHeaders?: boolean;
  /** stall/cut/drop/inbandError: content chunks sent before the fault (default: half, at least 1). */
  afterChunks?: number;
  /** Any error outcome: send `x-should-retry: true|false`, which the SDKs obey before the status. */
  shouldRetry?: boolean;
  /** serverError: status to send (default 500; 502 sends an HTML body like a CDN would). */
  status?: number;
};

/** Fault probabilities 0..1 (checked in this order), and a script that overrides them. */
export type SimFaults = {
  rateLimit?: number;
  quota?: number;
  serverError?: number;
  overloaded?: number;
  timeout?: number;
  connectionReset?: number;
  stallMidStream?: number;
  cutMidStream?: number;
  dropMidStream?: number;
  inbandError?: number;
  malformed?: number;
  authError?: number;
  modelNotFound?: number;
  contextLength?: number;
  /** Outcome of request 1, 2, 3 … after the script was set; requests past its end use the probabilities. */
  script?: Array<SimOutcome | SimScriptStep>;
};

/** A model the server knows. Strings mean the default context window. */
export type SimModel = string | { id: string; contextWindow?: number };

export type SimulatedProviderOptions = {
  /** A built-in protocol's name, or a `Wire` that speaks another one. */
  protocol: SimProtocol | Wire;
  limits?: SimLimits;
  latency?: SimLatency;
  faults?: SimFaults;
  /** When given, other model ids get the provider's 404. Default: every model id is served. */
  models?: SimModel[];
  /** Seeds generated text, ids and fault draws. Default 1. */
  seed?: number;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The key clients must send. Default a fixed fake key per protocol. */
  apiKey?: string;
  /** Reply length in tokens when max_tokens does not cut it: a number or [min, max]. Default [20, 60]. */
  replyTokens?: number | [number, number];
  /**
   * The prompt-prefix cache: a prompt that starts with an earlier prompt's messages (same model) reports
   * those tokens as cached, as each provider does (OpenAI, Groq, Gemini for any long prompt; Anthropic
   * up to its `cache_control` marks, reporting cache writes too). `minTokens` (default 1024) is the
   * shortest prompt cached; false turns the cache off.
   */
  promptCache?: false | PromptCacheOptions;
  /** Time source for the rate-limit buckets (ms). Tests inject one to refill without waiting. */
  now?: () => number;
};
