import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ChatResult, ToolCall } from '@spillway/core';
import { messageId, toAnthropicUsage, toStopReason } from './to-anthropic-message.js';

/** The router stream events the drop-in understands; others are ignored. */
export type RouterStreamEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: string; [key: string]: unknown };

export type RouterStream = AsyncIterable<RouterStreamEvent> & { result: Promise<ChatResult> };

/**
 * A router stream → Anthropic's raw stream events: `message_start`, text and `tool_use` blocks (each
 * tool call's input arrives as one `input_json_delta` once it is complete), then `message_delta` with
 * the stop reason and usage of the final result, then `message_stop`.
 */
export async function* toAnthropicStream(
  stream: RouterStream,
  requestedModel: string,
  onResult: (result: ChatResult) => void = () => {},
): AsyncGenerator<RawMessageStreamEvent> {
  let index = -1;
  let textOpen = false;
  let started = false;
  const start = (model: string): RawMessageStreamEvent => {
    started = true;
    return {
      type: 'message_start',
      message: {
        id: messageId(),
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        container: null,
        diagnostics: null,
        stop_details: null,
        stop_reason: null,
        stop_sequence: null,
        usage: toAnthropicUsage(undefined),
      },
    };
  };
  // The router names its candidate in 'start' events (again after a fallback); the message starts
  // with the first content, from whichever candidate delivered it.
  let model = requestedModel;
  for await (const event of stream) {
    if (event.type === 'start') model = modelOf(event) ?? model;
    if (event.type !== 'text-delta' && event.type !== 'tool-call') continue;
    if (!started) yield start(model);
    if (event.type === 'text-delta') {
      const text = (event as { text: string }).text;
      if (!textOpen) {
        textOpen = true;
        index += 1;
        yield {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '', citations: null },
        };
      }
      yield { type: 'content_block_delta', index, delta: { type: 'text_delta', text } };
    } else if (event.type === 'tool-call') {
      if (textOpen) {
        textOpen = false;
        yield { type: 'content_block_stop', index };
      }
      index += 1;
      yield* toolUseBlock((event as { toolCall: ToolCall }).toolCall, index);
    }
  }
  const result = await stream.result;
  onResult(result);
  if (!started) yield start(result.model);
  if (textOpen) yield { type: 'content_block_stop', index };
  const usage = toAnthropicUsage(result.usage);
  yield {
    type: 'message_delta',
    delta: {
      stop_reason: toStopReason(result.finishReason),
      stop_sequence: null,
      container: null,
      stop_details: null,
    },
    usage: {
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens_details: null,
      server_tool_use: null,
    },
  };
  yield { type: 'message_stop' };
}

function* toolUseBlock(call: ToolCall, index: number): Generator<RawMessageStreamEvent> {
  yield {
    type: 'content_block_start',
    index,
    content_block: { type: 'tool_use', id: call.id, name: call.name, input: {}, caller: { type: 'direct' } },
  };
  const json = call.rawArguments ?? JSON.stringify(call.arguments ?? {});
  yield { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json } };
  yield { type: 'content_block_stop', index };
}

function modelOf(event: RouterStreamEvent): string | undefined {
  const model = (event as { model?: unknown }).model;
  return typeof model === 'string' ? model : undefined;
}
