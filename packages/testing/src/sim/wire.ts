import type { IncomingHttpHeaders } from 'node:http';
import type { Denial, RateLimiter } from './rate-limiter.js';
import type { ChatRequest, ReplyPlan } from './reply-plan.js';

/** An error answer, before it is put into a provider's envelope. */
export type SimError =
  | { kind: 'auth' }
  | { kind: 'invalid'; message: string; param?: string }
  | { kind: 'routeNotFound'; path: string }
  | { kind: 'modelNotFound'; model: string }
  | { kind: 'contextLength'; promptTokens: number; contextWindow: number; maxTokens?: number }
  | { kind: 'rateLimit'; model: string; denial: Denial }
  | { kind: 'quota' }
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

/** What a protocol (OpenAI, Groq, Anthropic) decides: paths, auth, request parsing and every byte sent. */
export interface Wire {
  readonly requestIdHeader: string;
  route(path: string): 'chat' | 'countTokens' | undefined;
  apiKey(headers: IncomingHttpHeaders): string | undefined;
  parseChat(body: unknown): ChatRequest | SimError;
  countTokens(body: unknown): string | SimError;
  completion(request: ChatRequest, plan: ReplyPlan, ids: ResponseIds): string;
  stream(request: ChatRequest, plan: ReplyPlan, ids: ResponseIds): StreamFrames;
  inbandError(): string;
  error(error: SimError, requestId: string): { status: number; body: string; html?: boolean };
  limitHeaders(limiter: RateLimiter, model: string, headers: Record<string, string>): void;
  retryHeaders(retryAfterMs: number, headers: Record<string, string>): void;
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
