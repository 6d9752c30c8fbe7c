import type { Attempt } from '@llm-router/core';

/** Which provider and model served a drop-in call, how, and at what cost. */
export type RoutingInfo = {
  provider?: string;
  model?: string;
  attempts: Attempt[];
  costUsd?: number;
  requestId?: string;
};

// Non-enumerable, so JSON.stringify, spreads and deep-equality checks see exactly the SDK's shape.
const FIELD = 'llmRouter';

export function attachRoutingInfo<T extends object>(target: T, info: RoutingInfo): T {
  Object.defineProperty(target, FIELD, { value: info, enumerable: false, configurable: true });
  return target;
}

/** The routing info of a drop-in result or error, if it has one. */
export function routingInfo(value: unknown): RoutingInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as { [FIELD]?: RoutingInfo })[FIELD];
}
