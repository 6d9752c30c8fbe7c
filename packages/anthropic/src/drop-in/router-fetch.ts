import { randomUUID } from 'node:crypto';
import type { MessageCreateParamsBase, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import {
  type ApiReply,
  type ChatRequest,
  type ChatResult,
  type EventFrames,
  estimatePromptTokens,
  type ModelAlias,
  RouterError,
  type RoutingInfoSink,
  type TenantOption,
} from '@spillway/core';
import {
  errorRoutingInfo,
  finalFailure,
  jsonReply,
  replyResponse,
  resolveTenant,
  resultRoutingInfo,
  withTenant,
} from '@spillway/core/internal';
import { fromAnthropicParams } from './from-anthropic-params.js';
import { toAnthropicMessage } from './to-anthropic-message.js';
import { type RouterStream, toAnthropicStream } from './to-anthropic-stream.js';
import { errorBody, toErrorReply } from './to-error-response.js';

/** The part of a router the drop-in client uses. */
export type ChatRouter = {
  chat(request: ChatRequest): Promise<ChatResult>;
  stream?(request: ChatRequest): RouterStream;
};

/** What one Messages call needs besides its body. */
export type MessagesCall = {
  /** `POST …/messages/count_tokens` rather than `POST …/messages`. */
  counting: boolean;
  signal: AbortSignal | undefined;
  aliases: Record<string, ModelAlias> | undefined;
  store?: RoutingInfoSink | undefined;
};

/**
 * Answers one parsed Messages (or count_tokens) body from the router as Anthropic would over HTTP:
 * the one mapping the fetch below and `@spillway/gateway` both serve. Timeouts and connection
 * failures are thrown (no HTTP answer came); so is any error that is not the router's.
 */
export async function answerMessages(
  router: ChatRouter,
  params: MessageCreateParamsBase,
  call: MessagesCall,
): Promise<ApiReply> {
  const { counting, signal, store } = call;
  const requestId = `req_llmr_${randomUUID().replaceAll('-', '')}`;
  try {
    const request: ChatRequest = { ...fromAnthropicParams(params, { aliases: call.aliases }) };
    if (counting) return countTokensReply(request, requestId);
    if (signal) request.signal = signal;
    if (!params.stream) {
      const result = await router.chat(request);
      store?.set(requestId, resultRoutingInfo(result));
      return jsonReply(200, toAnthropicMessage(result), { 'request-id': requestId });
    }
    if (!router.stream) throw new TypeError('createAnthropicCompatibleClient: this router has no stream()');
    const stream = router.stream(request);
    const events = toAnthropicStream(stream, String(params.model), (result) =>
      store?.set(requestId, resultRoutingInfo(result)),
    );
    return await streamReply(events, requestId);
  } catch (error) {
    if (signal?.aborted || !RouterError.isInstance(error)) throw error;
    if (counting) return toErrorReply(error, requestId);
    store?.set(requestId, errorRoutingInfo(error), error);
    // No HTTP answer at all is what the SDK reports as a connection error or timeout.
    const failure = finalFailure(error);
    if (failure === 'timeout') throw new Error('Request timed out', { cause: error });
    if (failure === 'connection') throw error;
    return toErrorReply(error, requestId);
  }
}

/**
 * A `fetch` for `@anthropic-ai/sdk` that answers `POST /v1/messages` from the router: the SDK does its
 * own parsing, streaming and error classes on top, exactly as against api.anthropic.com.
 */
export function createRouterFetch(
  router: ChatRouter,
  aliases: Record<string, ModelAlias> | undefined,
  store: RoutingInfoSink | undefined,
  tenant?: TenantOption,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = url.split('?')[0]?.replace(/\/+$/, '') ?? '';
    const counting = path.endsWith('/messages/count_tokens');
    if ((!counting && !path.endsWith('/messages')) || init.method !== 'POST') {
      return errorResponse(404, 'not_found_error', `${url} is not served by the router`);
    }
    let params: MessageCreateParamsBase;
    try {
      params = JSON.parse(String(init.body)) as MessageCreateParamsBase;
    } catch {
      return errorResponse(400, 'invalid_request_error', 'The request body is not valid JSON');
    }
    const source = { headers: new Headers(init.headers), body: params as unknown as Record<string, unknown> };
    const routed = withTenant(router, resolveTenant(tenant, source));
    return replyResponse(
      await answerMessages(routed, params, { counting, signal: init.signal ?? undefined, aliases, store }),
    );
  };
}

/**
 * `POST /v1/messages/count_tokens`: the router's own prompt estimate (the one it reserves rate-limit
 * budget with), in Anthropic's shape. Nothing is sent to a provider.
 */
function countTokensReply(request: ChatRequest, requestId: string): ApiReply {
  const inputTokens = estimatePromptTokens(request.messages, request.tools);
  return jsonReply(200, { input_tokens: inputTokens }, { 'request-id': requestId });
}

function errorResponse(status: number, type: string, message: string): Response {
  const requestId = `req_llmr_${randomUUID().replaceAll('-', '')}`;
  const body = { type: 'error', error: { type, message }, request_id: requestId };
  return replyResponse(jsonReply(status, body, { 'request-id': requestId }));
}

/**
 * Server-sent events as Anthropic sends them. The first event (`message_start`, produced at the first
 * content) is awaited before answering, so a failure before any content is an HTTP error the SDK
 * raises from `create()`; after content it is an `event: error` frame, which the SDK throws in-band.
 */
async function streamReply(
  events: AsyncGenerator<RawMessageStreamEvent>,
  requestId: string,
): Promise<ApiReply> {
  let pending: IteratorResult<RawMessageStreamEvent> | undefined = await events.next();
  const frame = (name: string, value: unknown) => `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
  let ended = false;
  const frames: EventFrames = {
    async next() {
      if (ended) return undefined;
      try {
        const next = pending ?? (await events.next());
        pending = undefined;
        if (next.done) {
          ended = true;
          return undefined;
        }
        return frame(next.value.type, next.value);
      } catch (error) {
        ended = true;
        if (!RouterError.isInstance(error)) throw error;
        return frame('error', errorBody(error, requestId));
      }
    },
    async cancel() {
      ended = true;
      await events.return(undefined);
    },
  };
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'request-id': requestId },
    body: frames,
  };
}
