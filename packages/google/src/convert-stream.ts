import type { GenerateContentResponse } from '@google/genai';
import { type AdapterStreamEvent, ProviderError, redact, type Usage } from '@spillway/core';
import { toolCallOf } from './convert-response.js';
import { type ErrorContext, mapError } from './map-error.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';
import type { ThoughtSignatures } from './thought-signatures.js';

export type StreamContext = Omit<ErrorContext, 'phase'> & {
  signatures: ThoughtSignatures;
  /** Called once when iteration ends; not `completed`: end the HTTP request (the SDK won't). */
  end: (completed: boolean) => void;
  onResponseId: (id: string) => void;
};

/**
 * Gemini stream chunks → normalized events. Each chunk is a whole `GenerateContentResponse`: text parts
 * become deltas, a function call arrives whole (one `tool-call-delta` with all its arguments, then the
 * `tool-call`), usage is cumulative (the last one counts). Gemini has no terminal event: the chunk
 * carrying a finish reason is the end, and a stream that closes without one is `stream_cut`.
 */
export async function* convertStream(
  source: AsyncGenerator<GenerateContentResponse>,
  context: StreamContext,
): AsyncGenerator<AdapterStreamEvent> {
  let finishReason: string | undefined;
  let blockReason: string | undefined;
  let usage: Usage | undefined;
  let toolCalls = 0;
  let done = false;
  try {
    for await (const chunk of source) {
      if (chunk.responseId) context.onResponseId(chunk.responseId);
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (typeof part.text === 'string' && part.text !== '' && !part.thought)
          yield { type: 'text-delta', text: part.text };
        if (part.functionCall) {
          const toolCall = toolCallOf(part, context.signatures);
          const index = toolCalls++;
          const { id, name, rawArguments = '' } = toolCall;
          yield { type: 'tool-call-delta', index, id, name, argumentsDelta: rawArguments };
          yield { type: 'tool-call', toolCall };
        }
      }
      if (chunk.usageMetadata) usage = mapUsage(chunk.usageMetadata);
      finishReason = (candidate?.finishReason as string | undefined) ?? finishReason;
      blockReason = (chunk.promptFeedback?.blockReason as string | undefined) ?? blockReason;
    }
    if (finishReason === undefined && blockReason === undefined) {
      throw new ProviderError(redact('Google stream: the stream ended without a finish reason'), {
        failure: 'stream_cut',
        provider: context.provider,
        model: context.model,
      });
    }
    done = true;
    if (usage) yield { type: 'usage', usage };
    const finish = mapFinishReason(finishReason, toolCalls > 0, blockReason);
    yield usage ? { type: 'finish', finishReason: finish, usage } : { type: 'finish', finishReason: finish };
  } catch (error) {
    throw mapError(error, { ...context, phase: 'stream' });
  } finally {
    context.end(done);
  }
}
