import { InvalidRequestError } from '../errors.js';
import type { ContentPart, Message, ToolCall } from '../types.js';
import type { WireContentPart, WireMessage, WireToolCall } from './wire-types.js';

export type ConvertMessagesOptions = {
  /** False when the model cannot see images: image parts are dropped with a warning. */
  vision: boolean;
  warn: (message: string) => void;
};

/** Router messages → Chat Completions messages. */
export function convertMessages(
  messages: readonly Message[],
  options: ConvertMessagesOptions,
): WireMessage[] {
  let droppedImages = 0;
  const result = messages.map((message, index): WireMessage => {
    switch (message.role) {
      case 'system': {
        const { text, images } = splitParts(message.content);
        droppedImages += images.length;
        return { role: 'system', content: text };
      }
      case 'user': {
        if (typeof message.content === 'string') return { role: 'user', content: message.content };
        const parts: WireContentPart[] = [];
        for (const part of message.content) {
          if (part.type === 'text') parts.push({ type: 'text', text: part.text });
          else if (!options.vision) droppedImages++;
          else parts.push({ type: 'image_url', image_url: { url: imageUrl(part, index) } });
        }
        // Text-only content goes as a plain string: every compatible server accepts that.
        const textOnly = parts.every((part) => part.type === 'text');
        return { role: 'user', content: textOnly ? parts.map(textOf).join('') : parts };
      }
      case 'assistant': {
        const { text, images } = splitParts(message.content);
        droppedImages += images.length;
        const toolCalls = message.toolCalls?.map(convertToolCall);
        return {
          role: 'assistant',
          content: text === '' && toolCalls?.length ? null : text,
          ...(toolCalls?.length ? { tool_calls: toolCalls } : {}),
        };
      }
      default: {
        // 'tool' (the router has already rejected any other role)
        const { text, images } = splitParts(message.content);
        droppedImages += images.length;
        return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: text };
      }
    }
  });
  if (droppedImages > 0) {
    options.warn(
      `dropped ${droppedImages} image part(s): images are only sent in user messages to a model that supports vision`,
    );
  }
  return result;
}

function convertToolCall(call: ToolCall): WireToolCall {
  const args =
    call.rawArguments ??
    (typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}));
  return { id: call.id, type: 'function', function: { name: call.name, arguments: args } };
}

function splitParts(content: string | ContentPart[]): { text: string; images: ContentPart[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  return {
    text: content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    images: content.filter((part) => part.type === 'image'),
  };
}

function textOf(part: WireContentPart): string {
  return part.type === 'text' ? part.text : '';
}

function imageUrl(part: Extract<ContentPart, { type: 'image' }>, messageIndex: number): string {
  if (part.url) return part.url;
  if (part.data) return `data:${part.mediaType ?? 'image/png'};base64,${part.data}`;
  throw new InvalidRequestError(`messages[${messageIndex}]: an image part needs a url or base64 data`, {
    field: `messages[${messageIndex}].content`,
  });
}
