import type { RouterStreamEvent } from '../router/stream-types.js';
import type { ChatResult, ToolCall, Usage } from '../types.js';
import { CACHE_SCHEMA_VERSION } from './cache-key.js';

/** The content events of a streamed answer, in order, as they are stored and replayed. */
export type StoredEvent = Extract<
  RouterStreamEvent,
  { type: 'text-delta' | 'tool-call-delta' | 'tool-call' }
>;

/** What the cache holds for one request: its canonical form (compared on a hit) and the answer. */
export type CacheEntry = {
  v: typeof CACHE_SCHEMA_VERSION;
  request: string;
  provider: string;
  model: string;
  text: string;
  toolCalls: ToolCall[];
  finishReason: 'stop' | 'tool-calls';
  /** What the answer cost when a provider made it: what a hit saves. */
  costUsd: number;
  /** A streamed answer's content events; absent for chat() answers (replayed as one text event). */
  events?: StoredEvent[];
};

const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

/** Only complete answers are stored: never `length`, content-filter or `other` finishes. */
export function isStorable(
  result: ChatResult,
): result is ChatResult & { finishReason: 'stop' | 'tool-calls' } {
  return result.finishReason === 'stop' || result.finishReason === 'tool-calls';
}

export function encodeEntry(canonical: string, result: ChatResult, events?: StoredEvent[]): string {
  const entry: CacheEntry = {
    v: CACHE_SCHEMA_VERSION,
    request: canonical,
    provider: result.provider,
    model: result.model,
    text: result.text,
    toolCalls: result.toolCalls,
    finishReason: result.finishReason as CacheEntry['finishReason'],
    costUsd: result.costUsd,
  };
  if (events) entry.events = events;
  return JSON.stringify(entry);
}

/**
 * The entry for this request, or undefined when the value is missing, corrupt, of another schema
 * version, or stored for another request (a hash collision): all of those are misses.
 */
export function decodeEntry(value: unknown, canonical: string): CacheEntry | undefined {
  if (typeof value !== 'string') return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const fields = entry as Record<string, unknown>;
  if (fields.v !== CACHE_SCHEMA_VERSION || fields.request !== canonical) return undefined;
  if (typeof fields.provider !== 'string' || typeof fields.model !== 'string') return undefined;
  if (typeof fields.text !== 'string' || typeof fields.costUsd !== 'number') return undefined;
  if (fields.finishReason !== 'stop' && fields.finishReason !== 'tool-calls') return undefined;
  if (!Array.isArray(fields.toolCalls) || !fields.toolCalls.every(isToolCall)) return undefined;
  if (fields.events !== undefined && !(Array.isArray(fields.events) && fields.events.every(isStoredEvent)))
    return undefined;
  return entry as CacheEntry;
}

/** What chat() returns on a hit: the stored answer, at no cost and with no attempts. */
export function hitResult(entry: CacheEntry): ChatResult {
  return {
    text: entry.text,
    toolCalls: entry.toolCalls,
    finishReason: entry.finishReason,
    usage: { ...ZERO_USAGE },
    costUsd: 0,
    provider: entry.provider,
    model: entry.model,
    attempts: [],
    cache: 'hit',
  };
}

/** What a stream request yields on a hit: start, the stored content events, finish. */
export function replayEvents(entry: CacheEntry): RouterStreamEvent[] {
  const { provider, model } = entry;
  const events: RouterStreamEvent[] = [{ type: 'start', provider, model }];
  if (entry.events) events.push(...entry.events);
  else {
    // A chat() answer: its text as one event, each tool call as its delta and its completed call.
    if (entry.text) events.push({ type: 'text-delta', text: entry.text });
    entry.toolCalls.forEach((toolCall, index) => {
      const argumentsDelta = toolCall.rawArguments ?? JSON.stringify(toolCall.arguments ?? {});
      events.push({ type: 'tool-call-delta', index, id: toolCall.id, name: toolCall.name, argumentsDelta });
      events.push({ type: 'tool-call', toolCall });
    });
  }
  events.push({
    type: 'finish',
    finishReason: entry.finishReason,
    usage: { ...ZERO_USAGE },
    costUsd: 0,
    provider,
    model,
  });
  return events;
}

/** A follower's copy of the result a shared call produced: its own objects, at no cost. */
export function sharedResult(result: ChatResult): ChatResult {
  const copy: ChatResult = {
    text: result.text,
    toolCalls: structuredClone(result.toolCalls),
    finishReason: result.finishReason,
    usage: { ...ZERO_USAGE },
    costUsd: 0,
    provider: result.provider,
    model: result.model,
    attempts: [],
    cache: 'hit',
  };
  if (result.warnings) copy.warnings = [...result.warnings];
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isToolCall(value: unknown): boolean {
  return isRecord(value) && typeof value.id === 'string' && typeof value.name === 'string';
}

function isStoredEvent(value: unknown): boolean {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'text-delta':
      return typeof value.text === 'string';
    case 'tool-call':
      return isToolCall(value.toolCall);
    case 'tool-call-delta':
      return typeof value.index === 'number' && typeof value.argumentsDelta === 'string';
    default:
      return false;
  }
}
