import type { LanguageModelV3StreamPart, SharedV3Warning } from '@ai-sdk/provider';
import type { RouterStream, RouterStreamEvent } from '@spillway/core';
import { toFinishReason, toolInput, toProviderMetadata, toUsage } from './convert-result.js';

type Part = LanguageModelV3StreamPart;
type OpenTool = { id: string; name: string; sentInput: boolean };

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
  readonly #toolsByIndex = new Map<number, OpenTool>();
  readonly #openTools = new Map<string, OpenTool>();

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
      case 'tool-call-delta': {
        const parts = this.#announce();
        let tool = this.#toolsByIndex.get(event.index);
        if (!tool) {
          if (event.id === undefined || event.name === undefined) return parts;
          tool = { id: event.id, name: event.name, sentInput: false };
          this.#toolsByIndex.set(event.index, tool);
          this.#openTools.set(tool.id, tool);
          parts.push({ type: 'tool-input-start', id: tool.id, toolName: tool.name });
        }
        if (event.argumentsDelta !== '') {
          tool.sentInput = true;
          parts.push({ type: 'tool-input-delta', id: tool.id, delta: event.argumentsDelta });
        }
        return parts;
      }
      case 'tool-call': {
        const parts = this.#announce();
        const call = event.toolCall;
        const input = toolInput(call);
        const tool = this.#openTools.get(call.id);
        if (!tool) {
          parts.push({ type: 'tool-input-start', id: call.id, toolName: call.name });
          parts.push({ type: 'tool-input-delta', id: call.id, delta: input });
        } else if (!tool.sentInput) {
          parts.push({ type: 'tool-input-delta', id: call.id, delta: input });
        }
        this.#openTools.delete(call.id);
        parts.push({ type: 'tool-input-end', id: call.id });
        parts.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input });
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
    for (const tool of this.#openTools.values()) parts.push({ type: 'tool-input-end', id: tool.id });
    this.#openTools.clear();
    return parts;
  }

  #announce(): Part[] {
    if (this.#announced) return [];
    this.#announced = true;
    return this.#model === undefined ? [] : [{ type: 'response-metadata', modelId: this.#model }];
  }
}
