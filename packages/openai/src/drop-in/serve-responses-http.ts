import { RouterError } from '@spillway/core';
import { resultRoutingInfo } from '@spillway/core/internal';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import { responsesErrorEvent } from '../responses/responses-error-event.js';
import { type ResponsesRouter, serveResponses } from '../responses/serve-responses.js';
import { type FetchContext, failure, jsonHeaders } from './serve-chat-completions.js';

const encoder = new TextEncoder();

/**
 * Answers one `POST …/responses` body over HTTP: JSON, or server-sent events with OpenAI's `event:`
 * names. A failure before the first event is an HTTP error the SDK raises from `create()`; after it,
 * an `error` event the SDK throws while iterating.
 */
export async function serveResponsesHttp(
  router: ResponsesRouter,
  params: ResponseCreateParams,
  context: FetchContext,
): Promise<Response> {
  const { requestId, store } = context;
  try {
    const outcome = await serveResponses(router, params, {
      aliases: context.aliases,
      ...(context.signal ? { signal: context.signal } : {}),
      onResult: (result) => store?.set(requestId, resultRoutingInfo(result)),
    });
    if (!outcome.stream) {
      return new Response(JSON.stringify(outcome.response), { status: 200, headers: jsonHeaders(requestId) });
    }
    const iterator = outcome.events[Symbol.asyncIterator]();
    let sequence = 0;
    const frame = (name: string, value: unknown) =>
      encoder.encode(`event: ${name}\ndata: ${JSON.stringify(value)}\n\n`);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) return controller.close();
          sequence = next.value.sequence_number + 1;
          controller.enqueue(frame(next.value.type, next.value));
        } catch (error) {
          if (!RouterError.isInstance(error)) return controller.error(error);
          controller.enqueue(frame('error', responsesErrorEvent(error, sequence)));
          controller.close();
        }
      },
      async cancel() {
        await outcome.events.return();
      },
    });
    return new Response(body, {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'x-request-id': requestId },
    });
  } catch (error) {
    if (context.signal?.aborted) throw error;
    return failure(error, context);
  }
}
