import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { AdapterStreamEvent, FinishReason, ToolCall } from '@spillway/core';
import { SseDecoder } from '@spillway/core/adapter';
import { type ErrorContext, inBandError, mapError, providerError } from './map-error.js';
import { mapFinishReason } from './map-finish-reason.js';
import { type AnthropicUsage, mapUsage } from './map-usage.js';

type StreamContext = Omit<ErrorContext, 'phase'>;

type OpenToolCall = { ordinal: number; id: string; name: string; json: string; startInput: unknown };

const ignore = () => {};

/**
 * A streamed Messages response body (named server-sent events) → normalized events. Text deltas pass
 * through; tool input fragments are re-emitted as `tool-call-delta` and assembled into one `tool-call`
 * when their block closes; usage is cumulative (later counts replace earlier ones).
 *
 * It reads the body the SDK returned (`asResponse()`) as the SDK's own stream does (decision 2251): an
 * event without a name and `ping` are skipped; `event: error` fails the stream with that error's class
 * (read with the 200's headers); any other named event's JSON is handled by its `type`, so unknown
 * events pass unnoticed; data that is not JSON is a malformed answer (`server`). The stream must end
 * with `message_stop`: a body that ends before it is a `stream_cut`. Returning early, or failing,
 * cancels the body, which closes the connection.
 */
export async function* convertStream(
  body: ReadableStream<Uint8Array> | null,
  headers: Headers,
  context: StreamContext,
): AsyncGenerator<AdapterStreamEvent> {
  const errorContext: ErrorContext = { ...context, phase: 'stream' };
  if (!body) throw mapError(new Error('the streamed response has no body'), errorContext);
  const reader = body.getReader();
  const sse = new SseDecoder();
  const usage: AnthropicUsage = {};
  const toolBlocks = new Map<number, OpenToolCall>();
  let toolCount = 0;
  let finishReason: FinishReason = 'other';
  let ended = false;
  try {
    for (;;) {
      const read = await reader.read();
      if (read.done) {
        ended = true;
        break;
      }
      for (const sent of sse.pushEvents(read.value)) {
        const name = sent.event;
        if (name === undefined || name === 'ping') continue;
        if (name === 'error') throw inBandError(sent.data, headers, errorContext);
        if (!sent.data) continue;
        // Events already read keep coming after an abort: the caller's abort wins over them.
        if (context.signal.aborted) throw context.signal.reason;
        let event: RawMessageStreamEvent;
        try {
          event = JSON.parse(sent.data);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw providerError('server', `Anthropic: malformed response: ${message}`, context, error, {
            requestId: headers.get('request-id') ?? undefined,
          });
        }
        switch (event.type) {
          case 'message_start':
            Object.assign(usage, pickUsage(event.message.usage));
            yield { type: 'usage', usage: mapUsage(usage) };
            break;
          case 'content_block_start': {
            const block = event.content_block;
            if (block.type === 'text' && block.text) yield { type: 'text-delta', text: block.text };
            if (block.type === 'tool_use') {
              const open = {
                ordinal: toolCount++,
                id: block.id,
                name: block.name,
                json: '',
                startInput: block.input,
              };
              toolBlocks.set(event.index, open);
              yield {
                type: 'tool-call-delta',
                index: open.ordinal,
                id: open.id,
                name: open.name,
                argumentsDelta: '',
              };
            }
            break;
          }
          case 'content_block_delta': {
            const delta = event.delta;
            if (delta.type === 'text_delta' && delta.text) yield { type: 'text-delta', text: delta.text };
            if (delta.type === 'input_json_delta') {
              const open = toolBlocks.get(event.index);
              if (open && delta.partial_json) {
                open.json += delta.partial_json;
                yield { type: 'tool-call-delta', index: open.ordinal, argumentsDelta: delta.partial_json };
              }
            }
            break;
          }
          case 'content_block_stop': {
            const open = toolBlocks.get(event.index);
            if (open) {
              toolBlocks.delete(event.index);
              yield { type: 'tool-call', toolCall: finishToolCall(open) };
            }
            break;
          }
          case 'message_delta':
            Object.assign(usage, pickUsage(event.usage));
            if (event.delta.stop_reason) finishReason = mapFinishReason(event.delta.stop_reason);
            yield { type: 'usage', usage: mapUsage(usage) };
            break;
          case 'message_stop':
            yield { type: 'finish', finishReason, usage: mapUsage(usage) };
            return;
        }
      }
    }
  } catch (error) {
    throw mapError(error, errorContext);
  } finally {
    // Stopped before the body's end (message_stop, returned early, failed): cancelling it closes the
    // connection, as the SDK's stream aborted its request.
    if (!ended) reader.cancel().catch(ignore);
  }
  throw mapError(new Error('the stream ended without message_stop'), errorContext);
}

// message_delta usage is a running total; fields it leaves null keep their earlier values.
function pickUsage(source: AnthropicUsage | null | undefined): AnthropicUsage {
  const picked: AnthropicUsage = {};
  if (!source) return picked;
  for (const key of [
    'input_tokens',
    'output_tokens',
    'cache_creation_input_tokens',
    'cache_read_input_tokens',
  ] as const) {
    const value = source[key];
    if (typeof value === 'number') picked[key] = value;
  }
  const written = source.cache_creation;
  if (written)
    picked.cache_creation = {
      ephemeral_5m_input_tokens: written.ephemeral_5m_input_tokens,
      ephemeral_1h_input_tokens: written.ephemeral_1h_input_tokens,
    };
  if (typeof source.output_tokens_details?.thinking_tokens === 'number')
    picked.output_tokens_details = { thinking_tokens: source.output_tokens_details.thinking_tokens };
  return picked;
}

function finishToolCall(open: OpenToolCall): ToolCall {
  if (open.json === '') {
    const input = open.startInput ?? {};
    return { id: open.id, name: open.name, arguments: input, rawArguments: JSON.stringify(input) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(open.json);
  } catch {
    parsed = open.json;
  }
  return { id: open.id, name: open.name, arguments: parsed, rawArguments: open.json };
}
