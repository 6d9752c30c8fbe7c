import type { Message, ToolDefinition } from '../types.js';

// Placeholder estimator (about four characters a token, plus a few tokens of framing per message).
// The resilience work replaces this with a tokenizer-backed estimate and measured error.
export function estimatePromptTokens(
  messages: readonly Message[],
  tools?: readonly ToolDefinition[],
): number {
  let chars = 0;
  for (const message of messages) {
    if (typeof message.content === 'string') chars += message.content.length;
    else for (const part of message.content) chars += part.type === 'text' ? part.text.length : 3_000;
    if (message.toolCalls) chars += JSON.stringify(message.toolCalls).length;
  }
  if (tools) chars += JSON.stringify(tools).length;
  return Math.ceil(chars / 4) + messages.length * 4 + 3;
}
