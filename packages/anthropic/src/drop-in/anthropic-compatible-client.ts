import type {
  Message,
  MessageCreateParamsBase,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatRequest, ChatResult, ModelAlias } from '@llm-router/core';
import { fromAnthropicParams } from './from-anthropic-params.js';
import { toAnthropicError } from './to-anthropic-error.js';
import { toAnthropicMessage } from './to-anthropic-message.js';
import { type RouterStream, toAnthropicStream } from './to-anthropic-stream.js';

/** The part of a router the drop-in client uses. */
export type ChatRouter = {
  chat(request: ChatRequest): Promise<ChatResult>;
  stream?(request: ChatRequest): RouterStream;
};

export type AnthropicCompatibleClientOptions = {
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
};

/** Per-call options, as the SDK takes them. */
export type CreateOptions = { signal?: AbortSignal | null; timeout?: number };

/** An async iterable of Anthropic stream events, with the SDK's `controller` to abort it. */
export type AnthropicCompatibleStream = AsyncIterable<RawMessageStreamEvent> & {
  controller: AbortController;
};

export type AnthropicCompatibleClient = {
  messages: {
    create(params: MessageCreateParamsNonStreaming, options?: CreateOptions): Promise<Message>;
    create(params: MessageCreateParamsStreaming, options?: CreateOptions): Promise<AnthropicCompatibleStream>;
    create(
      params: MessageCreateParamsBase,
      options?: CreateOptions,
    ): Promise<Message | AnthropicCompatibleStream>;
  };
};

/**
 * An object shaped like `new Anthropic()` for `messages.create`, answered by the router: the caller
 * keeps Anthropic's params, results, stream events and error classes, and any provider may serve.
 */
export function createAnthropicCompatibleClient(
  router: ChatRouter,
  options: AnthropicCompatibleClientOptions = {},
): AnthropicCompatibleClient {
  async function create(
    params: MessageCreateParamsBase,
    callOptions: CreateOptions = {},
  ): Promise<Message | AnthropicCompatibleStream> {
    const controller = new AbortController();
    const signals = [controller.signal, ...(callOptions.signal ? [callOptions.signal] : [])];
    const signal = signals.length === 1 ? controller.signal : AbortSignal.any(signals);
    let request: ChatRequest;
    try {
      request = { ...fromAnthropicParams(params, options), signal };
    } catch (error) {
      throw toAnthropicError(error);
    }
    if (callOptions.timeout !== undefined) request.timeoutMs = callOptions.timeout;
    if (!params.stream) {
      try {
        return toAnthropicMessage(await router.chat(request));
      } catch (error) {
        throw toAnthropicError(error, signal);
      }
    }
    if (!router.stream) throw new TypeError('createAnthropicCompatibleClient: this router has no stream()');
    // Like the SDK, fail `create()` itself when nothing could be streamed (a 429 everywhere, bad input).
    const events = toAnthropicStream(router.stream(request), String(params.model));
    let first: IteratorResult<RawMessageStreamEvent>;
    try {
      first = await events.next();
    } catch (error) {
      throw toAnthropicError(error, signal);
    }
    const iterate = async function* (): AsyncGenerator<RawMessageStreamEvent> {
      if (first.done) return;
      yield first.value;
      try {
        yield* events;
      } catch (error) {
        throw toAnthropicError(error, signal);
      }
    };
    return { controller, [Symbol.asyncIterator]: iterate };
  }
  return { messages: { create: create as AnthropicCompatibleClient['messages']['create'] } };
}
