import type { IncomingHttpHeaders } from 'node:http';
import type { Denial, Metering, RateLimiter } from './rate-limiter.js';
import type { ChatRequest, ReplyPlan } from './reply-plan.js';

/** An error answer, before it is put into a provider's envelope. */
export type SimError =
  | { kind: 'auth' }
  | { kind: 'invalid'; message: string; param?: string }
  | { kind: 'routeNotFound'; path: string }
  | { kind: 'modelNotFound'; model: string }
  | { kind: 'contextLength'; promptTokens: number; contextWindow: number; maxTokens?: number }
  /** `retryAfterMs`: the wait to announce (unset when the 429 must carry none). */
  | { kind: 'rateLimit'; model: string; denial: Denial; retryAfterMs?: number }
  | { kind: 'quota'; model?: string; limit?: number }
  | { kind: 'serverError'; status: number }
  | { kind: 'overloaded' };

export type StreamFrames = {
  /** Frames before any content (role chunk, message_start …). */
  head: string[];
  /** One frame per content delta; faults cut the stream between these. */
  content: string[];
  /** Finish, usage and the terminal event. */
  tail: string[];
};

export type ResponseIds = { id: string; created: number; requestId: string };

/**
 * Everything one provider's protocol decides: paths, auth, how it meters, request parsing and every
 * byte sent. The server around it is protocol-blind, so a new protocol is one object of this shape
 * (pass it as `startSimulatedProvider({ protocol: myWire })`).
 */
export interface Wire {
  /** Shown in errors and the sim's `protocol` field. */
  readonly name: string;
  /** The key the server accepts unless the options give one. */
  readonly defaultApiKey: string;
  /** The header that carries the request id (Gemini has none: its id is `responseId` in the body). */
  readonly requestIdHeader: string | undefined;
  /** Prefixes of generated message and tool-call ids. */
  readonly ids: { message: string; toolCall: string };
  /** Which limits a request is counted against, and what it is charged. */
  readonly metering: Metering;
  /**
   * How the provider caches prompt prefixes: 'automatic' (OpenAI, Groq, Gemini: every long prompt),
   * 'explicit' (Anthropic: up to the `cache_control` marks), or not at all when unset.
   */
  readonly promptCache?: 'automatic' | 'explicit';
  /** Whether the context window must hold the prompt plus max tokens (or the prompt alone). */
  readonly contextIncludesMaxTokens: boolean;
  /**
   * The window the `requests` limit headers report ('minute' or 'day'), or undefined when the
   * protocol sends no rate-limit headers at all (Gemini).
   */
  readonly requestsHeaderWindow: 'minute' | 'day' | undefined;
  /** What the official SDK's base URL option takes, given the server's `http://host:port`. */
  baseURL(origin: string): string;
  route(path: string): 'chat' | 'countTokens' | undefined;
  apiKey(headers: IncomingHttpHeaders): string | undefined;
  /** The model a request names (body or path), before it is parsed, for the per-model stats. */
  model(body: unknown, path: string): string | undefined;
  parseChat(body: unknown, path: string): ChatRequest | SimError;
  countTokens(body: unknown, path: string): string | SimError;
  completion(request: ChatRequest, plan: ReplyPlan, ids: ResponseIds): string;
  stream(request: ChatRequest, plan: ReplyPlan, ids: ResponseIds): StreamFrames;
  inbandError(): string;
  error(
    error: SimError,
    requestId: string,
  ): { status: number; body: string; html?: boolean; headers?: Record<string, string> };
  limitHeaders(limiter: RateLimiter, model: string, headers: Record<string, string>): void;
  retryHeaders(retryAfterMs: number, headers: Record<string, string>): void;
}

/** The model field of a JSON body, where OpenAI-style and Anthropic requests carry it. */
export function bodyModel(body: unknown): string | undefined {
  const model = (body as { model?: unknown } | null)?.model;
  return typeof model === 'string' ? model : undefined;
}

export function isSimError(value: unknown): value is SimError {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/** Text of OpenAI-style content: a string or an array of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object') {
      const value =
        (part as { text?: unknown; content?: unknown }).text ?? (part as { content?: unknown }).content;
      if (typeof value === 'string') text += (text ? '\n' : '') + value;
      else if (Array.isArray(value)) text += (text ? '\n' : '') + contentText(value);
    }
  }
  return text;
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}
