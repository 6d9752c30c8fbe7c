import { SseDecoder } from '../adapter/sse-decoder.js';
import { ProviderError } from '../errors.js';
import type { AdapterStreamEvent } from '../spec.js';
import type { FinishReason, Usage } from '../types.js';
import { convertUsage, makeToolCall } from './convert-response.js';
import { mapFinishReason } from './map-finish-reason.js';
import type { WireChunk } from './wire-types.js';

export type StreamContext = {
  /** Turns anything thrown while reading (SDK error, socket error, abort) into what to throw. */
  mapError: (error: unknown) => unknown;
  /** The error for a stream that ended without a finish reason (the SDKs end such streams silently). */
  cutError: () => ProviderError;
  /**
   * An error reported inside the stream: a chunk's `error` object (OpenAI and compatible servers, as
   * the SDKs raise it) or Groq's `x_groq.error` message.
   */
  inBandError: (error: unknown) => ProviderError;
  /** Chunks already read keep coming after an abort: the abort wins over them. */
  signal: AbortSignal;
};

type PendingToolCall = { id: string; name: string; arguments: string };

const ignore = () => {};

/**
 * A streamed Chat Completions response body (server-sent events) → the router's stream events. Whole
 * `tool-call` events are emitted when the finish reason arrives; `finish` comes last, after the usage
 * chunk that follows the finish reason when usage was requested, once the body has ended.
 *
 * It reads the body the SDK returned (`asResponse()`) itself, as the official SDKs' stream would: data
 * after `[DONE]` is skipped, a chunk with an `error` object fails the stream, a body that ends before
 * the finish reason is a `stream_cut`. One generator from the bytes to the events is ~40 µs sooner to
 * the first token than the SDK's stream under one of ours (decision 2250). Returning early, or failing,
 * cancels the body, which closes the connection.
 */
export async function* convertStream(
  body: ReadableStream<Uint8Array> | null,
  context: StreamContext,
): AsyncGenerator<AdapterStreamEvent, void, undefined> {
  if (!body) throw context.mapError(new SyntaxError('the streamed response has no body'));
  const reader = body.getReader();
  const sse = new SseDecoder();
  const pending = new Map<number, PendingToolCall>();
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;
  let ended = false;
  let done = false;
  try {
    for (;;) {
      const read = await reader.read();
      if (read.done) {
        ended = true;
        break;
      }
      for (const data of sse.push(read.value)) {
        if (done) continue;
        if (data.startsWith('[DONE]')) {
          done = true;
          continue;
        }
        if (context.signal.aborted) throw context.signal.reason;
        const chunk = JSON.parse(data) as (WireChunk & { error?: unknown }) | null;
        if (typeof chunk !== 'object' || chunk === null)
          throw new SyntaxError('a stream event is not a JSON object');
        if (chunk.error) throw context.inBandError(chunk.error);
        const inBand = chunk.x_groq?.error;
        if (inBand) throw context.inBandError(inBand);
        const chunkUsage = chunk.usage ?? chunk.x_groq?.usage;
        if (chunkUsage) usage = convertUsage(chunkUsage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta;
        if (delta?.content) yield { type: 'text-delta', text: delta.content };
        for (const part of delta?.tool_calls ?? []) {
          const call = pending.get(part.index) ?? { id: '', name: '', arguments: '' };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          const argumentsDelta = part.function?.arguments ?? '';
          call.arguments += argumentsDelta;
          pending.set(part.index, call);
          yield {
            type: 'tool-call-delta',
            index: part.index,
            ...(part.id ? { id: part.id } : {}),
            ...(part.function?.name ? { name: part.function.name } : {}),
            argumentsDelta,
          };
        }
        if (choice.finish_reason) {
          finishReason = mapFinishReason(choice.finish_reason);
          const indexes = [...pending.keys()].sort((a, b) => a - b);
          for (const index of indexes) {
            const call = pending.get(index) as PendingToolCall;
            yield { type: 'tool-call', toolCall: makeToolCall(call.id, call.name, call.arguments) };
          }
          pending.clear();
        }
      }
    }
  } catch (error) {
    throw ProviderError.isInstance(error) ? error : context.mapError(error);
  } finally {
    // Stopped before the end (returned early or failed): cancelling the body closes the connection.
    if (!ended) reader.cancel().catch(ignore);
  }
  if (context.signal.aborted) throw context.mapError(context.signal.reason);
  if (finishReason === undefined) throw context.cutError();
  if (usage) yield { type: 'usage', usage };
  yield { type: 'finish', finishReason, ...(usage ? { usage } : {}) };
}
