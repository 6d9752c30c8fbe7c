import type {
  LanguageModelV3DataContent,
  LanguageModelV3FilePart,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { type ContentPart, InvalidRequestError, type Message, type ToolCall } from '@spillway/core';

/**
 * An AI SDK prompt → router messages. Images go through as URLs or base64 data; other files and
 * parts no router provider understands are a caller error (InvalidRequestError naming the part),
 * while reasoning sent back in an assistant turn is dropped with a warning (providers ignore it).
 */
export function convertPrompt(prompt: LanguageModelV3Prompt, warnings: SharedV3Warning[]): Message[] {
  const messages: Message[] = [];
  let droppedReasoning = false;
  for (const [index, message] of prompt.entries()) {
    const at = `prompt[${index}]`;
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        const parts = message.content.map((part, partIndex): ContentPart => {
          if (part.type === 'text') return { type: 'text', text: part.text };
          return imagePart(part, `${at}.content[${partIndex}]`);
        });
        const onlyText = parts.every((part) => part.type === 'text');
        messages.push({
          role: 'user',
          content: onlyText ? parts.map((part) => (part as { text: string }).text).join('') : parts,
        });
        break;
      }
      case 'assistant': {
        let text = '';
        const toolCalls: ToolCall[] = [];
        for (const [partIndex, part] of message.content.entries()) {
          if (part.type === 'text') text += part.text;
          else if (part.type === 'reasoning') droppedReasoning = true;
          else if (part.type === 'tool-call')
            toolCalls.push(toolCall(part.toolCallId, part.toolName, part.input));
          else unsupported(`${at}.content[${partIndex}]`, `an assistant ${part.type} part`);
        }
        messages.push(
          toolCalls.length > 0
            ? { role: 'assistant', content: text, toolCalls }
            : { role: 'assistant', content: text },
        );
        break;
      }
      case 'tool':
        for (const part of message.content) {
          // Approvals are settled by the AI SDK before the model is called again: nothing to send.
          if (part.type !== 'tool-result') continue;
          const converted: Message = {
            role: 'tool',
            toolCallId: part.toolCallId,
            content: outputText(part.output),
          };
          if (part.output.type === 'error-text' || part.output.type === 'error-json')
            converted.isError = true;
          messages.push(converted);
        }
        break;
      default:
        unsupported(`${at}.role`, `role '${(message as { role: string }).role}'`);
    }
  }
  if (droppedReasoning) {
    warnings.push({ type: 'other', message: 'reasoning parts in assistant turns are not sent to the model' });
  }
  return messages;
}

function toolCall(id: string, name: string, input: unknown): ToolCall {
  // The AI SDK hands the input parsed; a string is input that was not valid JSON.
  const rawArguments = typeof input === 'string' ? input : JSON.stringify(input ?? {});
  return { id, name, arguments: input ?? {}, rawArguments };
}

function imagePart(part: LanguageModelV3FilePart, at: string): ContentPart {
  if (!part.mediaType.startsWith('image/')) unsupported(at, `a ${part.mediaType} file`);
  const mediaType = part.mediaType === 'image/*' ? undefined : part.mediaType;
  const data = part.data;
  if (data instanceof URL) return { type: 'image', url: data.href };
  if (typeof data === 'string' && /^(https?:|data:)/.test(data)) return { type: 'image', url: data };
  if (!mediaType) unsupported(at, 'an image without a concrete media type');
  return { type: 'image', data: base64(data), mediaType };
}

function base64(data: Exclude<LanguageModelV3DataContent, URL>): string {
  return typeof data === 'string' ? data : Buffer.from(data).toString('base64');
}

function outputText(output: LanguageModelV3ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ? `Tool execution denied: ${output.reason}` : 'Tool execution denied.';
    case 'content':
      return output.value.map((item) => (item.type === 'text' ? item.text : '')).join('');
    default:
      return JSON.stringify(output);
  }
}

function unsupported(field: string, what: string): never {
  throw new InvalidRequestError(`${field}: ${what} is not supported through the router`, { field });
}
