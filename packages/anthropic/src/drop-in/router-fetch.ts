import { randomUUID } from 'node:crypto';
import type { MessageCreateParamsBase, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import {
  type ChatRequest,
  type ChatResult,
  estimatePromptTokens,
  type ModelAlias,
  RouterError,
  type TenantOption,
} from '@spillway/core';
import {
  errorRoutingInfo,
  finalFailure,
  type RoutingInfoStore,
  resolveTenant,
  resultRoutingInfo,
  withTenant,
} from '@spillway/core/internal';
import { fromAnthropicParams } from './from-anthropic-params.js';
import { toAnthropicMessage } from './to-anthropic-message.js';
import { type RouterStream, toAnthropicStream } from './to-anthropic-stream.js';
import { errorBody, toErrorResponse } from './to-error-response.js';

/** The part of a router the drop-in client uses. */
export type ChatRouter = {
  chat(request: ChatRequest): Promise<ChatResult>;
  stream?(request: ChatRequest): RouterStream;
};

const encoder = new TextEncoder();

/**
 * A `fetch` for `@anthropic-ai/sdk` that answers `POST /v1/messages` from the router: the SDK does its
 * own parsing, streaming and error classes on top, exactly as against api.anthropic.com.
 */
export function createRouterFetch(
  router: ChatRouter,
  aliases: Record<string, ModelAlias> | undefined,
  store: RoutingInfoStore | undefined,
  tenant?: TenantOption,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const requestId = `req_llmr_${randomUUID().replaceAll('-', '')}`;
    const path = url.split('?')[0]?.replace(/\/+$/, '') ?? '';
    const counting = path.endsWith('/messages/count_tokens');
    if ((!counting && !path.endsWith('/messages')) || init.method !== 'POST') {
      return errorResponse(404, 'not_found_error', `${url} is not served by the router`, requestId);
    }
    let params: MessageCreateParamsBase;
    try {
      params = JSON.parse(String(init.body)) as MessageCreateParamsBase;
    } catch {
      return errorResponse(400, 'invalid_request_error', 'The request body is not valid JSON', requestId);
    }
    const source = { headers: new Headers(init.headers), body: params as unknown as Record<string, unknown> };
    const routed = withTenant(router, resolveTenant(tenant, source));
    try {
      const request: ChatRequest = { ...fromAnthropicParams(params, { aliases }) };
      if (counting) return countTokensResponse(request, requestId);
      if (init.signal) request.signal = init.signal;
      if (!params.stream) {
        const result = await routed.chat(request);
        store?.set(requestId, resultRoutingInfo(result));
        return new Response(JSON.stringify(toAnthropicMessage(result)), {
          status: 200,
          headers: { 'content-type': 'application/json', 'request-id': requestId },
        });
      }
      if (!routed.stream) throw new TypeError('createAnthropicCompatibleClient: this router has no stream()');
      const stream = routed.stream(request);
      const events = toAnthropicStream(stream, String(params.model), (result) =>
        store?.set(requestId, resultRoutingInfo(result)),
      );
      return await streamResponse(events, requestId);
    } catch (error) {
      if (init.signal?.aborted || !RouterError.isInstance(error)) throw error;
      if (counting) return toErrorResponse(error, requestId);
      store?.set(requestId, errorRoutingInfo(error), error);
      // No HTTP answer at all is what the SDK reports as a connection error or timeout.
      const failure = finalFailure(error);
      if (failure === 'timeout') throw new Error('Request timed out', { cause: error });
      if (failure === 'connection') throw error;
      return toErrorResponse(error, requestId);
    }
  };
}

/**
 * `POST /v1/messages/count_tokens`: the router's own prompt estimate (the one it reserves rate-limit
 * budget with), in Anthropic's shape. Nothing is sent to a provider.
 */
function countTokensResponse(request: ChatRequest, requestId: string): Response {
  const inputTokens = estimatePromptTokens(request.messages, request.tools);
  return new Response(JSON.stringify({ input_tokens: inputTokens }), {
    status: 200,
    headers: { 'content-type': 'application/json', 'request-id': requestId },
  });
}

function errorResponse(status: number, type: string, message: string, requestId: string): Response {
  const body = { type: 'error', error: { type, message }, request_id: requestId };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'request-id': requestId },
  });
}

/**
 * Server-sent events as Anthropic sends them. The first event (`message_start`, produced at the first
 * content) is awaited before answering, so a failure before any content is an HTTP error the SDK
 * raises from `create()`; after content it is an `event: error` frame, which the SDK throws in-band.
 */
async function streamResponse(
  events: AsyncGenerator<RawMessageStreamEvent>,
  requestId: string,
): Promise<Response> {
  let pending: IteratorResult<RawMessageStreamEvent> | undefined = await events.next();
  const frame = (name: string, value: unknown) =>
    encoder.encode(`event: ${name}\ndata: ${JSON.stringify(value)}\n\n`);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = pending ?? (await events.next());
        pending = undefined;
        if (next.done) return controller.close();
        controller.enqueue(frame(next.value.type, next.value));
      } catch (error) {
        if (!RouterError.isInstance(error)) return controller.error(error);
        controller.enqueue(frame('error', errorBody(error, requestId)));
        controller.close();
      }
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'request-id': requestId },
  });
}
