// Prompt and completion text in the shape of the conventions' opt-in attributes
// (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`): JSON strings of
// messages made of parts. Only built when the user passes `recordContent: true`.
import type { ChatResult, ContentPart, Message } from '@spillway/core';

type Part =
  | { type: 'text'; content: string }
  | { type: 'uri' | 'blob'; modality: 'image'; mime_type?: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_call_response'; id: string; response: unknown };

function parts(content: string | ContentPart[]): Part[] {
  if (typeof content === 'string') return content ? [{ type: 'text', content }] : [];
  return content.map((part) =>
    part.type === 'text'
      ? { type: 'text', content: part.text }
      : // Images are named, not copied: a data URL can be megabytes.
        { type: part.url ? 'uri' : 'blob', modality: 'image', mime_type: part.mediaType },
  );
}

/** The system messages, as `gen_ai.system_instructions`. */
export function systemInstructions(messages: Message[]): string | undefined {
  const system = messages.filter((message) => message.role === 'system');
  if (system.length === 0) return undefined;
  return JSON.stringify(system.flatMap((message) => parts(message.content)));
}

/** Every other message, as `gen_ai.input.messages`. */
export function inputMessages(messages: Message[]): string {
  return JSON.stringify(
    messages
      .filter((message) => message.role !== 'system')
      .map((message) => {
        if (message.role === 'tool')
          return {
            role: 'tool',
            parts: [
              {
                type: 'tool_call_response',
                id: message.toolCallId ?? '',
                response: typeof message.content === 'string' ? message.content : parts(message.content),
              },
            ],
          };
        const calls: Part[] = (message.toolCalls ?? []).map((call) => ({
          type: 'tool_call',
          id: call.id,
          name: call.name,
          arguments: call.arguments,
        }));
        return { role: message.role, parts: [...parts(message.content), ...calls] };
      }),
  );
}

/** The answer, as `gen_ai.output.messages`. */
export function outputMessages(result: ChatResult): string {
  const calls: Part[] = result.toolCalls.map((call) => ({
    type: 'tool_call',
    id: call.id,
    name: call.name,
    arguments: call.arguments,
  }));
  return JSON.stringify([
    {
      role: 'assistant',
      parts: [...parts(result.text), ...calls],
      finish_reason: result.finishReason,
    },
  ]);
}
