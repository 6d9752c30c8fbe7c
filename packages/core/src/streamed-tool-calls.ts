import type { ToolCall } from './types.js';

/** What a translator emits for one router tool-call event. */
export type ToolCallStep = {
  /** The call's position among this answer's tool calls (0, 1, …), in the order they began. */
  slot: number;
  id: string;
  name: string;
  /** True when this event begins the call: emit its "started" frame before `argumentsDelta`. */
  opened: boolean;
  /** Argument text to emit now (may be ''). */
  argumentsDelta: string;
};

type OpenCall = { slot: number; id: string; name: string; sent: string; done: boolean };

/**
 * Follows the tool calls of one router stream for code that re-emits them in a provider's stream
 * shape (the drop-in clients, the AI SDK model). Adapters stream a call as `tool-call-delta` events
 * (keyed by `index`, the first carrying id and name) and then the whole `tool-call`; adapters that
 * do not stream arguments send only the whole call. Either way each call is opened once, its
 * arguments are sent once and in full, and `tool-call` says when it is complete.
 */
export class StreamedToolCalls {
  readonly #byIndex = new Map<number, OpenCall>();
  readonly #byId = new Map<string, OpenCall>();
  #slots = 0;

  /**
   * A `tool-call-delta`. Undefined while the call cannot be opened yet (no id or name seen): its
   * fragment is then kept out, and the whole call's arguments are sent at `tool-call`.
   */
  delta(event: {
    index: number;
    id?: string;
    name?: string;
    argumentsDelta: string;
  }): ToolCallStep | undefined {
    let call = this.#byIndex.get(event.index);
    let opened = false;
    if (!call || call.done) {
      if (event.id === undefined || event.name === undefined) return undefined;
      call = this.#open(event.id, event.name);
      this.#byIndex.set(event.index, call);
      opened = true;
    }
    call.sent += event.argumentsDelta;
    return { slot: call.slot, id: call.id, name: call.name, opened, argumentsDelta: event.argumentsDelta };
  }

  /**
   * A whole `tool-call`: opens it if no delta did, and returns the arguments not yet sent (all of them,
   * or what the deltas left out, e.g. Anthropic's input given only in its block start).
   */
  complete(toolCall: ToolCall): ToolCallStep {
    const known = this.#byId.get(toolCall.id);
    const call = known && !known.done ? known : this.#open(toolCall.id, toolCall.name);
    call.done = true;
    const whole = argumentsText(toolCall);
    const rest = whole.startsWith(call.sent) ? whole.slice(call.sent.length) : '';
    call.sent += rest;
    return { slot: call.slot, id: call.id, name: call.name, opened: call !== known, argumentsDelta: rest };
  }

  /** Calls opened but never completed (the stream ended first). */
  unfinished(): { slot: number; id: string }[] {
    return [...this.#byId.values()].filter((call) => !call.done).map(({ slot, id }) => ({ slot, id }));
  }

  #open(id: string, name: string): OpenCall {
    const call = { slot: this.#slots++, id, name, sent: '', done: false };
    this.#byId.set(id, call);
    return call;
  }
}

/** A tool call's arguments as the model wrote them. */
export function argumentsText(call: ToolCall): string {
  if (call.rawArguments !== undefined) return call.rawArguments;
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
}
