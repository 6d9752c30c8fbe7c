import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ChatResult, ToolCall } from '@spillway/core';
import { StreamedToolCalls } from '@spillway/core/internal';
import { messageId, toAnthropicUsage, toStopReason } from './to-anthropic-message.js';

/** The router stream events the drop-in understands; others are ignored. */
export type RouterStreamEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: string; [key: string]: unknown };

const CONTENT = new Set(['text-delta', 'tool-call-delta', 'tool-call']);

type ToolCallDelta = Parameters<StreamedToolCalls['delta']>[0];

export type RouterStream = AsyncIterable<RouterStreamEvent> & { result: Promise<ChatResult> };

/**
 * A router stream → Anthropic's raw stream events: `message_start`, text and `tool_use` blocks (a
 * tool call's input as `input_json_delta` fragments as the provider streams them, or as one when the
 * call arrives whole), then `message_delta` with the stop reason and usage of the final result, then
 * `message_stop`.
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
  const toolCalls = new StreamedToolCalls();
  // The tool_use block now open: slot → block index. Blocks never interleave, so a call that begins
  // closes the one before it.
  let openTool: { slot: number; index: number } | undefined;
  const closeBlock = function* (): Generator<RawMessageStreamEvent> {
    if (textOpen || openTool) yield { type: 'content_block_stop', index };
    textOpen = false;
    openTool = undefined;
  };
  for await (const event of stream) {
    if (event.type === 'start') model = modelOf(event) ?? model;
    if (!CONTENT.has(event.type)) continue;
    if (!started) yield start(model);
    if (event.type === 'text-delta') {
      const text = (event as { text: string }).text;
      if (!textOpen) {
        yield* closeBlock();
        textOpen = true;
        index += 1;
        yield {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '', citations: null },
        };
      }
      yield { type: 'content_block_delta', index, delta: { type: 'text_delta', text } };
      continue;
    }
    const complete = event.type === 'tool-call';
    const step = complete
      ? toolCalls.complete((event as { toolCall: ToolCall }).toolCall)
      : toolCalls.delta(event as unknown as ToolCallDelta);
    if (!step) continue;
    if (step.opened) {
      yield* closeBlock();
      index += 1;
      openTool = { slot: step.slot, index };
      yield {
        type: 'content_block_start',
        index,
        content_block: {
          type: 'tool_use',
          id: step.id,
          name: step.name,
          input: {},
          caller: { type: 'direct' },
        },
      };
    }
    // A fragment of a call whose block has closed (another began) cannot be sent any more.
    if (openTool?.slot !== step.slot) continue;
    if (step.argumentsDelta !== '') {
      yield {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: step.argumentsDelta },
      };
    }
    if (complete) yield* closeBlock();
  }
  const result = await stream.result;
  onResult(result);
  if (!started) yield start(result.model);
  yield* closeBlock();
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

function modelOf(event: RouterStreamEvent): string | undefined {
  const model = (event as { model?: unknown }).model;
  return typeof model === 'string' ? model : undefined;
}
