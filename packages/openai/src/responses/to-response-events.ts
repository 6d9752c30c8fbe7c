import type { ChatResult, RouterStream, RouterStreamEvent } from '@spillway/core';
import { StreamedToolCalls, type ToolCallStep } from '@spillway/core/internal';
import type {
  ResponseCreateParams,
  ResponseOutputItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import {
  finishResponse,
  functionCallItem,
  messageItem,
  newId,
  outputText,
  responseShell,
} from './to-response.js';

type Draft<E> = E extends { sequence_number: number } ? Omit<E, 'sequence_number'> : never;
type EventDraft = Draft<ResponseStreamEvent>;

/**
 * A router stream → Responses API stream events, in OpenAI's order: `response.created` and
 * `response.in_progress`, then per output item `response.output_item.added`, its content or argument
 * deltas and `.done` events, `response.output_item.done`, and last `response.completed` (or
 * `response.incomplete` for a length or content-filter finish).
 *
 * Nothing is yielded before the router's first content: until then the router may still fall back,
 * and a failure is thrown from the first `next()`, so a transport can answer it as an HTTP error.
 * A failure after content is thrown from a later `next()`; the transport ends the stream with an
 * `error` event (never `response.completed`, so a cut answer is never taken as whole).
 */
export async function* toResponseEvents(
  stream: RouterStream,
  params: ResponseCreateParams,
  createdAt: number,
  onResult?: (result: ChatResult) => void,
): AsyncGenerator<ResponseStreamEvent> {
  const iterator = stream[Symbol.asyncIterator]();
  let sequence = 0;
  const stamp = (event: EventDraft): ResponseStreamEvent =>
    ({ ...event, sequence_number: sequence++ }) as ResponseStreamEvent;
  try {
    let model = String(params.model ?? 'auto');
    let next = await iterator.next();
    while (!next.done && !isContent(next.value)) {
      if (next.value.type === 'start') model = next.value.model;
      next = await iterator.next();
    }
    const shell = responseShell(params, newId('resp'), model, createdAt);
    yield stamp({ type: 'response.created', response: shell });
    yield stamp({ type: 'response.in_progress', response: shell });

    const output: ResponseOutputItem[] = [];
    const toolCalls = new StreamedToolCalls();
    const calls = new FunctionCallItems(output);
    let text: { id: string; index: number; text: string } | undefined;
    const closeText = function* (): Generator<EventDraft> {
      if (!text) return;
      const { id, index } = text;
      yield {
        type: 'response.output_text.done',
        item_id: id,
        output_index: index,
        content_index: 0,
        text: text.text,
        logprobs: [],
      };
      yield {
        type: 'response.content_part.done',
        item_id: id,
        output_index: index,
        content_index: 0,
        part: outputText(text.text),
      };
      const item = messageItem(id, text.text, 'completed');
      output[index] = item;
      yield { type: 'response.output_item.done', output_index: index, item };
      text = undefined;
    };

    for (; !next.done; next = await iterator.next()) {
      const event = next.value;
      if (event.type === 'text-delta') {
        if (!text) {
          text = { id: newId('msg'), index: output.length, text: '' };
          const item = messageItem(text.id, '', 'in_progress');
          output.push(item);
          yield stamp({ type: 'response.output_item.added', output_index: text.index, item });
          yield stamp({
            type: 'response.content_part.added',
            item_id: text.id,
            output_index: text.index,
            content_index: 0,
            part: outputText(''),
          });
        }
        text.text += event.text;
        yield stamp({
          type: 'response.output_text.delta',
          item_id: text.id,
          output_index: text.index,
          content_index: 0,
          delta: event.text,
          logprobs: [],
        });
      } else if (event.type === 'tool-call-delta' || event.type === 'tool-call') {
        const step = event.type === 'tool-call' ? toolCalls.complete(event.toolCall) : toolCalls.delta(event);
        if (!step) continue;
        if (step.opened) for (const draft of closeText()) yield stamp(draft);
        for (const draft of calls.step(step, event.type === 'tool-call')) yield stamp(draft);
      }
    }
    for (const draft of closeText()) yield stamp(draft);
    const result = await stream.result;
    onResult?.(result);
    const response = finishResponse(shell, result, output);
    yield stamp(
      response.status === 'incomplete'
        ? { type: 'response.incomplete', response }
        : { type: 'response.completed', response },
    );
  } finally {
    await iterator.return?.();
  }
}

/** Function call output items: added when a call begins, argument deltas as they come, done when whole. */
class FunctionCallItems {
  readonly #items = new Map<number, { id: string; index: number; arguments: string }>();

  constructor(readonly output: ResponseOutputItem[]) {}

  *step(step: ToolCallStep, complete: boolean): Generator<EventDraft> {
    let item = this.#items.get(step.slot);
    if (!item) {
      item = { id: newId('fc'), index: this.output.length, arguments: '' };
      this.#items.set(step.slot, item);
      const added = functionCallItem(step, item.id, '', 'in_progress');
      this.output.push(added);
      yield { type: 'response.output_item.added', output_index: item.index, item: added };
    }
    const { id, index } = item;
    if (step.argumentsDelta !== '') {
      item.arguments += step.argumentsDelta;
      yield {
        type: 'response.function_call_arguments.delta',
        item_id: id,
        output_index: index,
        delta: step.argumentsDelta,
      };
    }
    if (!complete) return;
    // openai 6's event type has `name`, 7's not: the wire event carries it for either reader.
    yield {
      type: 'response.function_call_arguments.done',
      item_id: id,
      output_index: index,
      name: step.name,
      arguments: item.arguments,
    } as EventDraft;
    const done = functionCallItem(step, id, item.arguments, 'completed');
    this.output[index] = done;
    yield { type: 'response.output_item.done', output_index: index, item: done };
  }
}

function isContent(event: RouterStreamEvent): boolean {
  return event.type === 'text-delta' || event.type === 'tool-call-delta' || event.type === 'tool-call';
}
