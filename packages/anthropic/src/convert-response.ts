import type { Message as AnthropicMessage } from '@anthropic-ai/sdk/resources/messages';
import type { AdapterResult, ToolCall } from '@spillway/core';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';

/** A Messages API response → our result (without the rate-limit snapshot and request id). */
export function convertResponse(message: AnthropicMessage): AdapterResult {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        name: block.name,
        arguments: block.input,
        rawArguments: JSON.stringify(block.input),
      });
    }
  }
  return {
    text,
    toolCalls,
    finishReason: mapFinishReason(message.stop_reason),
    usage: mapUsage(message.usage),
    raw: message,
  };
}

/** True when a parsed body looks like a Messages API response (guards against malformed 200s). */
export function isMessage(value: unknown): value is AnthropicMessage {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { content?: unknown; usage?: unknown };
  return Array.isArray(candidate.content) && typeof candidate.usage === 'object' && candidate.usage !== null;
}
