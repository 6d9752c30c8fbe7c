import { anthropicWire } from './anthropic-wire.js';
import { geminiWire } from './gemini-wire.js';
import { openaiWire } from './openai-wire.js';
import type { SimProtocol } from './types.js';
import type { Wire } from './wire.js';

const BUILT_IN: Record<SimProtocol, () => Wire> = {
  openai: () => openaiWire('openai'),
  groq: () => openaiWire('groq'),
  anthropic: anthropicWire,
  gemini: geminiWire,
};

/** The names of the built-in protocols. */
export const SIM_PROTOCOLS = Object.keys(BUILT_IN) as SimProtocol[];

/** A built-in protocol by name, or the `Wire` given. */
export function resolveWire(protocol: SimProtocol | Wire): Wire {
  if (typeof protocol === 'object' && protocol !== null) return protocol;
  const make = Object.hasOwn(BUILT_IN, protocol) ? BUILT_IN[protocol] : undefined;
  if (!make)
    throw new TypeError(
      `protocol must be one of ${SIM_PROTOCOLS.join(', ')} or a Wire, got ${String(protocol)}`,
    );
  return make();
}
