import { randomUUID } from 'node:crypto';
import type { ContentBlock, Message, StopReason, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ChatResult, FinishReason, Usage as RouterUsage } from '@spillway/core';

/** A router result → Anthropic's `Message`, whichever provider served it. */
export function toAnthropicMessage(result: ChatResult): Message {
  const content: ContentBlock[] = [];
  if (result.text !== '') content.push({ type: 'text', text: result.text, citations: null });
  for (const call of result.toolCalls) {
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.name,
      input: call.arguments,
      caller: { type: 'direct' },
    });
  }
  return {
    id: messageId(),
    type: 'message',
    role: 'assistant',
    model: result.model,
    content,
    container: null,
    diagnostics: null,
    stop_details: null,
    stop_reason: toStopReason(result.finishReason),
    stop_sequence: null,
    usage: toAnthropicUsage(result.usage),
  };
}

export function messageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

export function toStopReason(finishReason: FinishReason): StopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Anthropic reports uncached input apart from cache reads and writes; ours includes them. */
export function toAnthropicUsage(usage: RouterUsage | undefined): Usage {
  const cached = usage?.cachedInputTokens ?? 0;
  const written = usage?.cacheWriteInputTokens ?? 0;
  const reasoning = usage?.reasoningTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cached - written),
    output_tokens: usage?.outputTokens ?? 0,
    cache_creation: written > 0 ? cacheCreation(written, usage?.cacheWrite1hInputTokens ?? 0) : null,
    cache_creation_input_tokens: written > 0 ? written : null,
    cache_read_input_tokens: cached > 0 ? cached : null,
    inference_geo: null,
    output_tokens_details: reasoning > 0 ? { thinking_tokens: reasoning } : null,
    server_tool_use: null,
    service_tier: null,
    speed: null,
  };
}

/** The writes by lifetime, as Anthropic breaks them down. */
function cacheCreation(written: number, hour: number) {
  const longLived = Math.min(hour, written);
  return { ephemeral_5m_input_tokens: written - longLived, ephemeral_1h_input_tokens: longLived };
}
