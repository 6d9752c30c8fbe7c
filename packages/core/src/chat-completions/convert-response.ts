import type { FinishReason, ToolCall, Usage } from '../types.js';
import { mapFinishReason } from './map-finish-reason.js';
import type { WireResponse, WireUsage } from './wire-types.js';

export type ConvertedResponse = {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
};

/**
 * Chat Completions response → the parts of an adapter result. Returns undefined when the body has
 * no choice at all (a malformed response the caller reports as a server failure).
 */
export function convertResponse(response: WireResponse): ConvertedResponse | undefined {
  const choice = response.choices?.[0];
  if (!choice || typeof choice !== 'object') return undefined;
  const message = choice.message ?? {};
  const toolCalls: ToolCall[] = [];
  for (const call of message.tool_calls ?? []) {
    if (call.type !== undefined && call.type !== 'function') continue;
    toolCalls.push(makeToolCall(call.id ?? '', call.function?.name ?? '', call.function?.arguments ?? ''));
  }
  const refused = !message.content && typeof message.refusal === 'string' && message.refusal !== '';
  return {
    text: message.content ?? '',
    toolCalls,
    finishReason: refused ? 'content-filter' : mapFinishReason(choice.finish_reason),
    usage: convertUsage(response.usage),
  };
}

/** Builds a tool call whose `arguments` are parsed JSON, or the raw string when it is not valid JSON. */
export function makeToolCall(id: string, name: string, rawArguments: string): ToolCall {
  return { id, name, arguments: parseArguments(rawArguments), rawArguments };
}

function parseArguments(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * `prompt_tokens` already holds the cached and cache-written tokens, and `completion_tokens` the
 * reasoning tokens (OpenAI, Groq and compatible servers alike); the details say how many.
 */
export function convertUsage(usage: WireUsage | null | undefined): Usage {
  const inputTokens = usage?.prompt_tokens ?? 0;
  const outputTokens = usage?.completion_tokens ?? 0;
  const result: Usage = {
    inputTokens,
    outputTokens,
    totalTokens: usage?.total_tokens ?? inputTokens + outputTokens,
  };
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number' && cached > 0) result.cachedInputTokens = cached;
  const written = usage?.prompt_tokens_details?.cache_write_tokens;
  if (typeof written === 'number' && written > 0) result.cacheWriteInputTokens = written;
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number' && reasoning > 0) result.reasoningTokens = reasoning;
  return result;
}
