import type { ChatRequest, ChatResult, ModelAlias, RouterStream } from '@spillway/core';
import type {
  Response,
  ResponseCreateParams,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { fromResponsesParams } from './from-responses-params.js';
import { toResponse } from './to-response.js';
import { toResponseEvents } from './to-response-events.js';

/** The part of a router the Responses translation uses. */
export type ResponsesRouter = {
  chat(request: ChatRequest): Promise<ChatResult>;
  stream?(request: ChatRequest): RouterStream;
};

export type ServeResponsesOptions = {
  aliases?: Record<string, ModelAlias>;
  signal?: AbortSignal;
  /** Called with the router's result once the answer is complete (streamed or not). */
  onResult?: (result: ChatResult) => void;
};

export type ResponsesOutcome =
  | { stream: false; response: Response }
  | { stream: true; events: AsyncIterable<ResponseStreamEvent> & { return(): Promise<unknown> } };

/**
 * Serves one parsed `POST /responses` body from the router, independent of any transport. Rejects
 * with the router's error (or an InvalidRequestError naming an unsupported feature) when nothing can
 * be answered; for a stream that means before the first event, so the caller can still send an HTTP
 * error. A stream's later failure is thrown while iterating: send it as an `error` event
 * (`responsesErrorEvent`).
 */
export async function serveResponses(
  router: ResponsesRouter,
  params: ResponseCreateParams,
  options: ServeResponsesOptions = {},
): Promise<ResponsesOutcome> {
  const request = fromResponsesParams(params, { aliases: options.aliases });
  if (options.signal) request.signal = options.signal;
  const createdAt = Math.floor(Date.now() / 1000);
  if (!params.stream) {
    const result = await router.chat(request);
    options.onResult?.(result);
    return { stream: false, response: toResponse(params, result, createdAt) };
  }
  if (!router.stream) throw new TypeError('serveResponses: this router has no stream()');
  const events = toResponseEvents(router.stream(request), params, createdAt, options.onResult);
  const first = await events.next();
  return { stream: true, events: prepend(first, events) };
}

function prepend<T>(
  first: IteratorResult<T>,
  rest: AsyncGenerator<T>,
): AsyncIterable<T> & { return(): Promise<unknown> } {
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return;
      yield first.value;
      yield* rest;
    },
    return: () => rest.return(undefined),
  };
}
