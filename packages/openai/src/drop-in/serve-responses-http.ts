import { type ApiReply, type EventFrames, RouterError } from '@spillway/core';
import { resultRoutingInfo } from '@spillway/core/internal';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import { responsesErrorEvent } from '../responses/responses-error-event.js';
import { type ResponsesRouter, serveResponses } from '../responses/serve-responses.js';
import { eventStreamHeaders, type FetchContext, failure, jsonHeaders } from './serve-chat-completions.js';

/**
 * Answers one `POST …/responses` body over HTTP: JSON, or server-sent events with OpenAI's `event:`
 * names. A failure before the first event is an HTTP error the SDK raises from `create()`; after it,
 * an `error` event the SDK throws while iterating.
 */
export async function serveResponsesHttp(
  router: ResponsesRouter,
  params: ResponseCreateParams,
  context: FetchContext,
): Promise<ApiReply> {
  const { requestId, store } = context;
  try {
    const outcome = await serveResponses(router, params, {
      aliases: context.aliases,
      ...(context.signal ? { signal: context.signal } : {}),
      onResult: (result) => store?.set(requestId, resultRoutingInfo(result)),
    });
    if (!outcome.stream) {
      return { status: 200, headers: jsonHeaders(requestId), body: JSON.stringify(outcome.response) };
    }
    const iterator = outcome.events[Symbol.asyncIterator]();
    let sequence = 0;
    const frame = (name: string, value: unknown) => `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
    let ended = false;
    const frames: EventFrames = {
      async next() {
        if (ended) return undefined;
        try {
          const next = await iterator.next();
          if (next.done) {
            ended = true;
            return undefined;
          }
          sequence = next.value.sequence_number + 1;
          return frame(next.value.type, next.value);
        } catch (error) {
          ended = true;
          if (!RouterError.isInstance(error)) throw error;
          return frame('error', responsesErrorEvent(error, sequence));
        }
      },
      async cancel() {
        ended = true;
        await outcome.events.return();
      },
    };
    return { status: 200, headers: eventStreamHeaders(requestId), body: frames };
  } catch (error) {
    if (context.signal?.aborted) throw error;
    return failure(error, context);
  }
}
