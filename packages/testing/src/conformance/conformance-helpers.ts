import {
  type AdapterCall,
  type AdapterStream,
  type AdapterStreamEvent,
  type Message,
  type ProviderAdapter,
  ProviderError,
} from '@spillway/core';
import { it } from 'vitest';

/** A call to `model` with a live signal; override any field. */
export function makeCall(model: string, overrides: Partial<AdapterCall> = {}): AdapterCall {
  const messages: Message[] = [{ role: 'user', content: 'Say hello.' }];
  return { model, messages, maxTokens: 64, signal: new AbortController().signal, ...overrides };
}

/** Reads a stream to its end; returns what arrived before an error, and the error. */
export async function drain(
  stream: AdapterStream,
): Promise<{ events: AdapterStreamEvent[]; text: string; error: unknown }> {
  const events: AdapterStreamEvent[] = [];
  let error: unknown;
  try {
    for await (const event of stream.events) events.push(event);
  } catch (caught) {
    error = caught;
  }
  const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
  return { events, text, error };
}

/** Runs a call expected to fail (before or during a stream) and returns the error it failed with. */
export async function failureOf(
  adapter: ProviderAdapter,
  call: AdapterCall,
  mode: 'generate' | 'stream',
): Promise<unknown> {
  try {
    if (mode === 'generate') {
      await adapter.doGenerate(call);
    } else {
      const { error } = await drain(await adapter.doStream(call));
      return error;
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Narrows to a ProviderError, with a readable assertion message when it is something else. */
export function asProviderError(error: unknown): ProviderError {
  if (!ProviderError.isInstance(error)) {
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`expected a ProviderError, got ${shown}`);
  }
  return error;
}

/** Every string an error exposes: message, cause chain, own fields. */
export function exposedText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) parts.push(current.name, current.message, current.stack ?? '');
    try {
      parts.push(JSON.stringify(current));
    } catch {
      parts.push(String(current));
    }
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/** `it`, or `it.skip` with the reason when the adapter opted out of this case. */
export function caseTest(
  skip: Partial<Record<string, string>> | undefined,
  name: string,
  title: string,
  body: () => Promise<void>,
): void {
  const reason = skip?.[name];
  if (reason) it.skip(`${title} (skipped: ${reason})`, body);
  else it(title, body);
}
