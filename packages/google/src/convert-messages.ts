import type { Content, Part } from '@google/genai';
import type { ContentPart, Message, ToolCall } from '@spillway/core';
import { invalidRequest } from './map-error.js';
import type { ThoughtSignatures } from './thought-signatures.js';

export type ConvertedMessages = { contents: Content[]; systemInstruction?: Content };

type Context = { provider: string; model: string; signatures: ThoughtSignatures };

/**
 * Router messages → Gemini contents. System messages become the system instruction; assistant turns
 * are role 'model' with their function calls; tool results are `functionResponse` parts of a user turn
 * (consecutive results share one turn), named after the call they answer.
 */
export function convertMessages(messages: readonly Message[], context: Context): ConvertedMessages {
  const system: Part[] = [];
  const contents: Content[] = [];
  const callNames = new Map<string, string>();
  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case 'system':
        system.push(...contentParts(message.content, index, context));
        break;
      case 'user':
        contents.push({ role: 'user', parts: contentParts(message.content, index, context) });
        break;
      case 'assistant': {
        const parts = contentParts(message.content, index, context).filter((part) => part.text !== '');
        for (const call of message.toolCalls ?? []) {
          callNames.set(call.id, call.name);
          parts.push(functionCallPart(call, context));
        }
        contents.push({ role: 'model', parts: parts.length > 0 ? parts : [{ text: '' }] });
        break;
      }
      case 'tool': {
        const part = functionResponsePart(message, callNames);
        const previous = contents.at(-1);
        if (previous?.role === 'user' && previous.parts?.every((item) => item.functionResponse))
          previous.parts.push(part);
        else contents.push({ role: 'user', parts: [part] });
        break;
      }
    }
  }
  const converted: ConvertedMessages = { contents };
  if (system.length > 0) converted.systemInstruction = { parts: system };
  return converted;
}

function contentParts(content: string | ContentPart[], index: number, context: Context): Part[] {
  if (typeof content === 'string') return [{ text: content }];
  return content.map((part) =>
    part.type === 'text' ? { text: part.text } : imagePart(part, index, context),
  );
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imagePart(part: Extract<ContentPart, { type: 'image' }>, index: number, context: Context): Part {
  if (part.data !== undefined)
    return { inlineData: { mimeType: part.mediaType ?? 'image/png', data: part.data } };
  const url = part.url ?? '';
  const inline = DATA_URL.exec(url);
  if (inline) return { inlineData: { mimeType: inline[1], data: inline[2] } };
  if (/^https?:\/\//.test(url))
    return { fileData: { fileUri: url, mimeType: part.mediaType ?? 'image/jpeg' } };
  throw invalidRequest(
    `messages[${index}]: an image needs base64 data, a data: URL or an http(s) URL`,
    context,
  );
}

function functionCallPart(call: ToolCall, context: Context): Part {
  const part: Part = { functionCall: { id: call.id, name: call.name, args: argumentsObject(call) } };
  const signature = context.signatures.forCall(call.id, context.model);
  if (signature) part.thoughtSignature = signature;
  return part;
}

function argumentsObject(call: ToolCall): Record<string, unknown> {
  let value = call.arguments;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { value };
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value };
}

/** Gemini wants the result as an object: JSON objects pass through, anything else is wrapped. */
function functionResponsePart(message: Message, callNames: Map<string, string>): Part {
  const text =
    typeof message.content === 'string'
      ? message.content
      : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  let response: Record<string, unknown>;
  if (message.isError) response = { error: text };
  else {
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text result
    }
    response =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : { result: parsed };
  }
  const id = message.toolCallId ?? '';
  return { functionResponse: { id, name: callNames.get(id) ?? id, response } };
}
