import type { AdapterStreamEvent } from '../spec.js';
import type { ToolCall, Usage } from '../types.js';

type PartialCall = { id?: string; name?: string; rawArguments: string };

/** What the caller has received so far, across every piece of the answer. */
export class Delivered {
  text = '';
  toolCalls: ToolCall[] = [];
  partialCalls = new Map<number, PartialCall>();
  usage: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  costUsd = 0;
  any = false;

  take(event: AdapterStreamEvent): void {
    if (event.type === 'text-delta') this.text += event.text;
    else if (event.type === 'tool-call') this.toolCalls.push(event.toolCall);
    else if (event.type === 'tool-call-delta') {
      const call = this.partialCalls.get(event.index) ?? { rawArguments: '' };
      if (event.id) call.id = event.id;
      if (event.name) call.name = event.name;
      call.rawArguments += event.argumentsDelta;
      this.partialCalls.set(event.index, call);
    }
  }

  /** Tool calls begun but not completed, for StreamInterruptedError. */
  unfinishedCalls(): ToolCall[] {
    const done = new Set(this.toolCalls.map((call) => call.id));
    return [...this.partialCalls.values()]
      .filter((call) => call.id === undefined || !done.has(call.id))
      .map((call) => ({
        id: call.id ?? '',
        name: call.name ?? '',
        arguments: call.rawArguments,
        rawArguments: call.rawArguments,
      }));
  }
}

export function isContent(event: AdapterStreamEvent): boolean {
  return (
    (event.type === 'text-delta' && event.text.length > 0) ||
    event.type === 'tool-call' ||
    event.type === 'tool-call-delta'
  );
}

export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
  // The optional counts stay absent unless a piece reported them, as on a one-piece answer.
  for (const key of OPTIONAL_COUNTS)
    if (a[key] !== undefined || b[key] !== undefined) sum[key] = (a[key] ?? 0) + (b[key] ?? 0);
  return sum;
}

const OPTIONAL_COUNTS = [
  'cachedInputTokens',
  'cacheWriteInputTokens',
  'cacheWrite1hInputTokens',
  'reasoningTokens',
] as const;
