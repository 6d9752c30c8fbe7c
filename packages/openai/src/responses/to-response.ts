import { randomUUID } from 'node:crypto';
import type { ChatResult, FinishReason, Usage } from '@spillway/core';
import { argumentsText } from '@spillway/core/internal';
import type {
  Response,
  ResponseCreateParams,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseUsage,
} from 'openai/resources/responses/responses';

/** A fresh id with OpenAI's prefix for its kind (`resp`, `msg`, `fc`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}

/** The fields of a `Response` that echo the request, shared by every event of one response. */
export function responseShell(
  params: ResponseCreateParams,
  id: string,
  model: string,
  createdAt: number,
): Response {
  // Typed loosely on purpose: openai 7's `Response` adds required fields (`access_programs`, …) that
  // openai 6's lacks; the wire object has what both SDKs read.
  const shell = {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: params.instructions ?? null,
    max_output_tokens: params.max_output_tokens ?? null,
    metadata: params.metadata ?? {},
    model,
    output: [],
    output_text: '',
    parallel_tool_calls: params.parallel_tool_calls ?? true,
    previous_response_id: null,
    temperature: params.temperature ?? null,
    text: params.text ?? { format: { type: 'text' } },
    tool_choice: params.tool_choice ?? 'auto',
    tools: params.tools ?? [],
    top_p: params.top_p ?? null,
    truncation: params.truncation ?? 'disabled',
  };
  return shell as unknown as Response;
}

export function messageItem(
  id: string,
  text: string,
  status: 'in_progress' | 'completed',
): ResponseOutputMessage {
  return {
    type: 'message',
    id,
    role: 'assistant',
    status,
    content: status === 'completed' ? [outputText(text)] : [],
  };
}

export function outputText(text: string): ResponseOutputMessage['content'][number] {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function functionCallItem(
  call: { id: string; name: string },
  itemId: string,
  args: string,
  status: 'in_progress' | 'completed',
): ResponseFunctionToolCall {
  return { type: 'function_call', id: itemId, call_id: call.id, name: call.name, arguments: args, status };
}

/** Completes a response from the router's result: status, output items, usage. */
export function finishResponse(shell: Response, result: ChatResult, output: ResponseOutputItem[]): Response {
  const incomplete = incompleteReason(result.finishReason);
  return {
    ...shell,
    model: result.model,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: incomplete } : null,
    output,
    output_text: result.text,
    usage: toResponseUsage(result.usage),
  };
}

/** A whole router result → a `Response` (the non-streamed answer). */
export function toResponse(params: ResponseCreateParams, result: ChatResult, createdAt: number): Response {
  const shell = responseShell(params, newId('resp'), result.model, createdAt);
  const output: ResponseOutputItem[] = [];
  if (result.text !== '' || result.toolCalls.length === 0) {
    output.push(messageItem(newId('msg'), result.text, 'completed'));
  }
  for (const call of result.toolCalls) {
    output.push(functionCallItem(call, newId('fc'), argumentsText(call), 'completed'));
  }
  return finishResponse(shell, result, output);
}

function incompleteReason(finishReason: FinishReason): 'max_output_tokens' | 'content_filter' | undefined {
  if (finishReason === 'length') return 'max_output_tokens';
  if (finishReason === 'content-filter') return 'content_filter';
  return undefined;
}

export function toResponseUsage(usage: Usage): ResponseUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: {
      cached_tokens: usage.cachedInputTokens ?? 0,
      cache_write_tokens: usage.cacheWriteInputTokens ?? 0,
    },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.totalTokens,
  };
}
