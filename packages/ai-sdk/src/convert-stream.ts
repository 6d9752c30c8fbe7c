import type { LanguageModelV3StreamPart, SharedV3Warning } from '@ai-sdk/provider';
import type { RouterStream, RouterStreamEvent } from '@spillway/core';
import { StreamedToolCalls } from '@spillway/core/internal';
import { toFinishReason, toolInput, toProviderMetadata, toUsage } from './convert-result.js';

type Part = LanguageModelV3StreamPart;

const TEXT_ID = 'text-0';

/**
 * A router stream → AI SDK V3 stream parts: `stream-start` with the call's warnings, then
 * `response-metadata` naming the model that answers (known at the first content, after any fallback),
 * text as `text-start`/`text-delta`/`text-end`, tool calls as `tool-input-start`/`-delta`/`-end` and a
 * whole `tool-call`, and `finish` with usage and `providerMetadata.spillway`. A stream the router ends
 * with an error (all providers failed, or a cut after content) becomes an `error` part, never a clean
 * finish. Reading is pull-based: the provider is read as fast as the AI SDK consumes.
 */
export function toStreamParts(stream: RouterStream, warnings: SharedV3Warning[]): ReadableStream<Part> {
  const iterator = stream[Symbol.asyncIterator]();
  const state = new PartState();
  let started = false;
  let done = false;
  return new ReadableStream<Part>({
    async pull(controller) {
      if (!started) {
        started = true;
        return controller.enqueue({ type: 'stream-start', warnings });
      }
      try {
        // Each pull must enqueue or close: a pull that does neither is not called again.
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            for (const part of state.end()) controller.enqueue(part);
            const result = await stream.result;
            controller.enqueue({
              type: 'finish',
              finishReason: toFinishReason(result.finishReason),
              usage: toUsage(result.usage),
              providerMetadata: toProviderMetadata(result),
            });
            done = true;
            return controller.close();
          }
          const parts = state.map(next.value);
          if (parts.length === 0) continue;
          for (const part of parts) controller.enqueue(part);
          return;
        }
      } catch (error) {
        done = true;
        controller.enqueue({ type: 'error', error });
        controller.close();
      }
    },
    async cancel() {
      if (!done) await iterator.return?.();
    },
  });
}

/** Which text and tool-input blocks are open, so each is started once and ended once. */
class PartState {
  #model: string | undefined;
  #announced = false;
  #textOpen = false;
  readonly #toolCalls = new StreamedToolCalls();

  map(event: RouterStreamEvent): Part[] {
    switch (event.type) {
      case 'start':
        this.#model = event.model;
        return [];
      case 'text-delta': {
        const parts = this.#announce();
        if (!this.#textOpen) {
          this.#textOpen = true;
          parts.push({ type: 'text-start', id: TEXT_ID });
        }
        parts.push({ type: 'text-delta', id: TEXT_ID, delta: event.text });
        return parts;
      }
      case 'tool-call-delta':
      case 'tool-call': {
        const parts = this.#announce();
        const complete = event.type === 'tool-call';
        const step = complete ? this.#toolCalls.complete(event.toolCall) : this.#toolCalls.delta(event);
        if (!step) return parts;
        if (step.opened) parts.push({ type: 'tool-input-start', id: step.id, toolName: step.name });
        if (step.argumentsDelta !== '') {
          parts.push({ type: 'tool-input-delta', id: step.id, delta: step.argumentsDelta });
        }
        if (complete) {
          const call = event.toolCall;
          parts.push({ type: 'tool-input-end', id: step.id });
          parts.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: toolInput(call) });
        }
        return parts;
      }
      default:
        return [];
    }
  }

  /** Closes what is still open, before `finish`. */
  end(): Part[] {
    const parts: Part[] = [];
    if (this.#textOpen) parts.push({ type: 'text-end', id: TEXT_ID });
    this.#textOpen = false;
    for (const tool of this.#toolCalls.unfinished()) parts.push({ type: 'tool-input-end', id: tool.id });
    return parts;
  }

  #announce(): Part[] {
    if (this.#announced) return [];
    this.#announced = true;
    return this.#model === undefined ? [] : [{ type: 'response-metadata', modelId: this.#model }];
  }
}
