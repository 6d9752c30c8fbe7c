import { randomUUID } from 'node:crypto';
import type { FunctionCall, GenerateContentResponse, Part } from '@google/genai';
import type { AdapterResult, ToolCall } from '@spillway/core';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';
import type { ThoughtSignatures } from './thought-signatures.js';

/** A response's first candidate → text (thought summaries left out), tool calls, finish and usage. */
export function convertResponse(
  response: GenerateContentResponse,
  signatures: ThoughtSignatures,
): AdapterResult {
  const candidate = response.candidates?.[0];
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidate?.content?.parts ?? []) {
    if (typeof part.text === 'string' && !part.thought) text += part.text;
    if (part.functionCall) toolCalls.push(toolCallOf(part, signatures));
  }
  const result: AdapterResult = {
    text,
    toolCalls,
    finishReason: mapFinishReason(
      candidate?.finishReason as string | undefined,
      toolCalls.length > 0,
      response.promptFeedback?.blockReason as string | undefined,
    ),
    usage: mapUsage(response.usageMetadata),
    raw: response,
  };
  if (response.responseId) result.requestId = response.responseId;
  return result;
}

/** A function call part → a ToolCall; Gemini may give no id, so one is made up (results name it back). */
export function toolCallOf(part: Part, signatures: ThoughtSignatures): ToolCall {
  const call = part.functionCall as FunctionCall;
  const id = call.id || `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  const args = call.args ?? {};
  signatures.remember(id, part.thoughtSignature);
  return { id, name: call.name ?? '', arguments: args, rawArguments: JSON.stringify(args) };
}
