import { randomUUID } from 'node:crypto';
import {
  type ApiReply,
  type ChatRequest,
  type ChatResult,
  type EventFrames,
  type ModelAlias,
  RouterError,
  type RoutingInfoSink,
  type ToolCall,
} from '@spillway/core';
import {
  errorRoutingInfo,
  finalFailure,
  resultRoutingInfo,
  StreamedToolCalls,
  type ToolCallStep,
} from '@spillway/core/internal';
import type { ChatCompletionChunk, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { fromOpenAIParams } from './from-openai-params.js';
import { chunkFactory, toChatCompletion } from './to-chat-completion.js';
import { errorBody, toErrorReply } from './to-error-response.js';

/** The router stream events the drop-in understands; others are ignored. */
export type RouterStreamEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: string; [key: string]: unknown };

export type RouterStream = AsyncIterable<RouterStreamEvent> & { result: Promise<ChatResult> };

/** The part of a router the drop-in client uses. */
export type ChatRouter = {
  chat(request: ChatRequest): Promise<ChatResult>;
  stream?(request: ChatRequest): RouterStream;
};

const CONTENT = new Set(['text-delta', 'tool-call-delta', 'tool-call']);

type ToolCallDelta = Parameters<StreamedToolCalls['delta']>[0];

/**
 * Answers one `POST …/chat/completions` body from the router as OpenAI would over HTTP: the SDK does
 * its own parsing, streaming and error classes on top, exactly as against api.openai.com.
 */
export async function serveChatCompletions(
  router: ChatRouter,
  params: ChatCompletionCreateParams,
  context: FetchContext,
): Promise<ApiReply> {
  const { requestId, store, signal } = context;
  try {
    const request: ChatRequest = { ...fromOpenAIParams(params, { aliases: context.aliases }) };
    if (signal) request.signal = signal;
    if (!params.stream) {
      const result = await router.chat(request);
      store?.set(requestId, resultRoutingInfo(result));
      const completion = toChatCompletion(result, `chatcmpl-${randomUUID()}`, Math.floor(Date.now() / 1000));
      return { status: 200, headers: jsonHeaders(requestId), body: JSON.stringify(completion) };
    }
    if (!router.stream) throw new TypeError('createRouterFetch: this router has no stream()');
    const includeUsage = params.stream_options?.include_usage === true;
    const onResult = (result: ChatResult) => store?.set(requestId, resultRoutingInfo(result));
    return await streamResponse(
      router.stream(request),
      String(params.model),
      includeUsage,
      requestId,
      onResult,
    );
  } catch (error) {
    if (signal?.aborted) throw error;
    return failure(error, context);
  }
}

/** What one fetch call's handlers share. */
export type FetchContext = {
  requestId: string;
  aliases: Record<string, ModelAlias> | undefined;
  store: RoutingInfoSink | undefined;
  signal: AbortSignal | undefined;
};

/**
 * A router failure → OpenAI's HTTP error response. No HTTP answer at all (a timeout, a connection
 * failure) is thrown, as the SDK reports those itself. Errors that are not the router's are rethrown.
 */
export function failure(error: unknown, context: FetchContext): ApiReply {
  if (!RouterError.isInstance(error)) throw error;
  context.store?.set(context.requestId, errorRoutingInfo(error), error);
  const failureClass = finalFailure(error);
  if (failureClass === 'timeout') throw new Error('Request timed out', { cause: error });
  if (failureClass === 'connection') throw error;
  return toErrorReply(error, context.requestId);
}

export function jsonHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-request-id': requestId };
}

export function eventStreamHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'text/event-stream', 'x-request-id': requestId };
}

/**
 * Streams as OpenAI does: one chunk per text delta, a tool call as a chunk with its id and name then
 * one chunk per argument fragment as the provider streams them (a call that arrives whole is one
 * chunk), a chunk
 * with the finish reason, a usage chunk when asked for, then `[DONE]`. The first event is awaited
 * before answering, so a failure before any content is an HTTP error the SDK raises from `create()`;
 * a failure after content is an in-band `{"error": …}` chunk, which the SDK throws while iterating.
 */
async function streamResponse(
  stream: RouterStream,
  requestedModel: string,
  includeUsage: boolean,
  requestId: string,
  onResult: (result: ChatResult) => void,
): Promise<ApiReply> {
  const iterator = stream[Symbol.asyncIterator]();
  // Read up to the first content: until then the router may still fall back, and a failure is an
  // HTTP error. 'start' events name the candidate (again after each fallback).
  let model = requestedModel;
  let first = await iterator.next();
  while (!first.done && !CONTENT.has(first.value.type)) {
    if (first.value.type === 'start') model = modelOf(first.value) ?? model;
    first = await iterator.next();
  }
  const created = Math.floor(Date.now() / 1000);
  const chunks = chunkFactory(`chatcmpl-${randomUUID()}`, created, model, includeUsage);
  const toolCalls = new StreamedToolCalls();
  let pending: IteratorResult<RouterStreamEvent> | undefined = first;
  const toChunk = (event: RouterStreamEvent): ChatCompletionChunk | undefined => {
    if (event.type === 'text-delta') return chunks.delta({ content: (event as { text: string }).text });
    const step =
      event.type === 'tool-call-delta'
        ? toolCalls.delta(event as unknown as ToolCallDelta)
        : event.type === 'tool-call'
          ? toolCalls.complete((event as { toolCall: ToolCall }).toolCall)
          : undefined;
    if (!step || (!step.opened && step.argumentsDelta === '')) return undefined;
    return chunks.delta({ tool_calls: [toolCallDelta(step)] });
  };
  const sse = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
  // Frames still to send before reading the router stream again (the last chunks come in a group).
  const queued: string[] = [sse(chunks.delta({ role: 'assistant', content: '' }))];
  let ended = false;
  const frames: EventFrames = {
    async next() {
      const frame = queued.shift();
      if (frame !== undefined || ended) return frame;
      try {
        let next = pending ?? (await iterator.next());
        pending = undefined;
        while (!next.done) {
          const chunk = toChunk(next.value);
          if (chunk) return sse(chunk);
          next = await iterator.next();
        }
        const result = await stream.result;
        onResult(result);
        ended = true;
        queued.push(sse(chunks.finish(result.finishReason)));
        if (includeUsage) queued.push(sse(chunks.usage(result.usage)));
        queued.push('data: [DONE]\n\n');
      } catch (error) {
        ended = true;
        if (!RouterError.isInstance(error)) throw error;
        queued.push(sse(errorBody(error)));
      }
      return queued.shift();
    },
    async cancel() {
      ended = true;
      queued.length = 0;
      await iterator.return?.();
    },
  };
  return { status: 200, headers: eventStreamHeaders(requestId), body: frames };
}

/** The first chunk of a call carries its id, type and name; later ones only argument text. */
function toolCallDelta(step: ToolCallStep): ChatCompletionChunk.Choice.Delta.ToolCall {
  const fn = step.opened
    ? { name: step.name, arguments: step.argumentsDelta }
    : { arguments: step.argumentsDelta };
  return step.opened
    ? { index: step.slot, id: step.id, type: 'function', function: fn }
    : { index: step.slot, function: fn };
}

function modelOf(event: RouterStreamEvent | undefined): string | undefined {
  const model = (event as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
}
