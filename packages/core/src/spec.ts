import type { Logger } from './router/options.js';
import type {
  FinishReason,
  Limits,
  Message,
  ModelSpec,
  RateLimitSnapshot,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from './types.js';

/**
 * The adapter contract. An adapter translates one provider's API to and from these shapes and
 * classifies its failures; it never retries, sleeps, falls back or counts against limits: the router
 * does all of that. Bump the version when the shapes change incompatibly.
 */
export const SPECIFICATION_VERSION = 'v1' as const;

export interface ProviderAdapter {
  readonly specificationVersion: typeof SPECIFICATION_VERSION;
  /** Unique among the router's providers; defaults to `kind`. Appears in results, events and stats. */
  readonly name: string;
  /** Which protocol this speaks: 'openai', 'anthropic', 'groq', 'openai-compatible', or a custom name. */
  readonly kind: string;
  /** The models this provider offers, with capability, pricing and limits. */
  readonly models: readonly ModelSpec[];
  /** Limits applied to each model unless the model's own `limits` say otherwise. */
  readonly limits?: Limits;
  /** One non-streaming call. Throws `ProviderError` (classified) on failure, or the signal's reason on abort. */
  doGenerate(call: AdapterCall): Promise<AdapterResult>;
  /** Opens a stream. Failures before the first event throw like `doGenerate`. */
  doStream(call: AdapterCall): Promise<AdapterStream>;
  /**
   * The router hands over its logger once, when it is built. Adapters route their SDK's own logging
   * (which would otherwise print model output to the console) through it.
   */
  setLogger?(logger: Logger): void;
  close?(): Promise<void> | void;
}

/** One call to one model, already validated and normalized by the router. */
export type AdapterCall = {
  model: string;
  messages: Message[];
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** Sampling seed; adapters whose provider has none report it through `onWarning`. */
  seed?: number;
  /** Aborts the HTTP request: fires on caller abort, deadline, or a router timeout (first token, stall). */
  signal: AbortSignal;
  /** Called for each parameter the adapter drops because the provider does not support it. */
  onWarning?: (message: string) => void;
};

export type AdapterResult = {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  rateLimit?: RateLimitSnapshot;
  requestId?: string;
  /** The provider's response, for drop-in clients that want to pass fields through. */
  raw?: unknown;
};

/**
 * An open stream. Iterating `events` reads from the network; stopping early (`return()`) closes the
 * connection. When the provider's stream ends without its terminal event, or reports an error in-band,
 * iteration throws a `ProviderError` (`stream_cut` or the in-band error's class): never a silent end.
 */
export type AdapterStream = {
  events: AsyncIterable<AdapterStreamEvent>;
  rateLimit?: RateLimitSnapshot;
  requestId?: string;
};

export type AdapterStreamEvent =
  | { type: 'text-delta'; text: string }
  /** A fragment of a tool call, for consumers that re-emit provider-shaped chunks. */
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  /** A tool call whose arguments are complete. */
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'usage'; usage: Usage }
  /** The terminal event: the provider said the message is complete. */
  | { type: 'finish'; finishReason: FinishReason; usage?: Usage };
