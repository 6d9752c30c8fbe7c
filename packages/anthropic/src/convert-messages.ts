import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { type ContentPart, InvalidRequestError, type Message, type ToolCall } from '@spillway/core';

export type ConvertedMessages = { system: string | undefined; messages: MessageParam[] };

type Warn = (message: string) => void;

/**
 * Our messages → Anthropic's. System turns (wherever they are) join into the top-level `system`;
 * tool results travel in a user turn as `tool_result` blocks; consecutive turns of the same role are
 * merged, because the API expects user and assistant turns to alternate.
 */
export function convertMessages(messages: readonly Message[], warn: Warn = () => {}): ConvertedMessages {
  const systemParts: string[] = [];
  const turns: MessageParam[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'system') {
      const text = textOf(message.content);
      if (text) systemParts.push(text);
      return;
    }
    if (message.role === 'tool') {
      appendTurn(turns, 'user', [toolResult(message, index)]);
      return;
    }
    if (message.role === 'assistant') {
      const blocks: ContentBlockParam[] = contentBlocks(message.content, index);
      for (const call of message.toolCalls ?? []) blocks.push(toolUse(call, index, warn));
      appendTurn(turns, 'assistant', blocks);
      return;
    }
    appendTurn(turns, 'user', contentBlocks(message.content, index));
  });
  return { system: systemParts.length > 0 ? systemParts.join('\n\n') : undefined, messages: turns };
}

function appendTurn(turns: MessageParam[], role: 'user' | 'assistant', blocks: ContentBlockParam[]): void {
  // The API rejects a turn with no content; an empty message adds nothing, so it is left out.
  if (blocks.length === 0) return;
  const last = turns.at(-1);
  if (last && last.role === role) {
    const merged = [...(last.content as ContentBlockParam[]), ...blocks];
    // The API requires a user turn's tool results to come before any other content in it.
    if (role === 'user') merged.sort((a, b) => rank(a) - rank(b));
    last.content = merged;
    return;
  }
  turns.push({ role, content: blocks });
}

function rank(block: ContentBlockParam): number {
  return block.type === 'tool_result' ? 0 : 1;
}

function contentBlocks(content: string | ContentPart[], index: number): ContentBlockParam[] {
  // Anthropic rejects empty text blocks; an assistant turn that only calls tools has none.
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: ContentBlockParam[] = [];
  content.forEach((part, partIndex) => {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text });
    } else {
      blocks.push(imageBlock(part, `messages[${index}].content[${partIndex}]`));
    }
  });
  return blocks;
}

type ImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
const IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imageBlock(part: Extract<ContentPart, { type: 'image' }>, field: string): ImageBlockParam {
  if (part.data !== undefined) return base64Image(part.mediaType, part.data, field);
  if (part.url === undefined) {
    throw new InvalidRequestError(`${field}: an image needs a url or data`, { field });
  }
  const dataUrl = DATA_URL.exec(part.url);
  if (dataUrl) return base64Image(dataUrl[1], dataUrl[2] ?? '', field);
  return { type: 'image', source: { type: 'url', url: part.url } };
}

function base64Image(mediaType: string | undefined, data: string, field: string): ImageBlockParam {
  if (mediaType === undefined || !IMAGE_TYPES.includes(mediaType)) {
    throw new InvalidRequestError(
      `${field}: Anthropic accepts images of type ${IMAGE_TYPES.join(', ')}; got ${mediaType ?? 'none'}`,
      { field: `${field}.mediaType` },
    );
  }
  return { type: 'image', source: { type: 'base64', media_type: mediaType as ImageMediaType, data } };
}

function toolResult(message: Message, index: number): ToolResultBlockParam {
  if (!message.toolCallId) {
    const field = `messages[${index}].toolCallId`;
    throw new InvalidRequestError(`${field}: a tool message needs the id of the call it answers`, { field });
  }
  const block: ToolResultBlockParam = { type: 'tool_result', tool_use_id: message.toolCallId };
  if (typeof message.content === 'string') {
    block.content = message.content;
  } else {
    block.content = contentBlocks(message.content, index) as Array<TextBlockParam | ImageBlockParam>;
  }
  if (message.isError) block.is_error = true;
  return block;
}

function toolUse(call: ToolCall, index: number, warn: Warn): ContentBlockParam {
  return { type: 'tool_use', id: call.id, name: call.name, input: toolInput(call, index, warn) };
}

// Anthropic wants the input as an object. A call whose arguments never parsed (the model produced
// invalid JSON) is sent back as an empty object, with a warning, rather than failing the request.
function toolInput(call: ToolCall, index: number, warn: Warn): object {
  let value = call.arguments;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      value = undefined;
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  warn(`messages[${index}]: tool call ${call.id} has arguments that are not a JSON object; sent as {}`);
  return {};
}

function textOf(content: string | ContentPart[]): string {
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is Extract<ContentPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}
