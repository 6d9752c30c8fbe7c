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
  /** Groq reports some failures as `x_groq.error` inside a chunk. */
  inBandError: (message: string) => ProviderError;
  /** Checked when the SDK's iteration ends: an aborted stream ends silently there too. */
  signal: AbortSignal;
};

type PendingToolCall = { id: string; name: string; arguments: string };

/**
 * Chat Completions chunks → the router's stream events. Whole `tool-call` events are emitted when
 * the finish reason arrives; `finish` comes last, after the usage chunk that follows the finish
 * reason when usage was requested. Returning early closes the SDK stream (and so the connection).
 */
export async function* convertStream(
  chunks: AsyncIterable<WireChunk>,
  context: StreamContext,
): AsyncGenerator<AdapterStreamEvent, void, undefined> {
  const pending = new Map<number, PendingToolCall>();
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;
  try {
    for await (const chunk of chunks) {
      // Chunks already buffered keep coming after an abort: the caller's abort wins over them.
      if (context.signal.aborted) throw context.signal.reason;
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
  } catch (error) {
    throw ProviderError.isInstance(error) ? error : context.mapError(error);
  }
  if (context.signal.aborted) throw context.mapError(context.signal.reason);
  if (finishReason === undefined) throw context.cutError();
  if (usage) yield { type: 'usage', usage };
  yield { type: 'finish', finishReason, ...(usage ? { usage } : {}) };
}
