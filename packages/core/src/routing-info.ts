import {
  AllProvidersFailedError,
  DeadlineExceededError,
  InvalidRequestError,
  NoEligibleModelError,
  ProviderError,
  QueueFullError,
  type RouterError,
  StreamInterruptedError,
} from './errors.js';
import type { FailureClass } from './failure.js';
import type { Attempt, ChatRequest } from './types.js';

/** What a drop-in client's `model` name may stand for: routing fields merged into the request. */
export type ModelAlias = Pick<ChatRequest, 'model' | 'minCapability' | 'require'>;

/**
 * Which provider and model served a drop-in client call, how, and at what cost. Drop-in clients put it
 * on their results and errors as a non-enumerable `llmRouter` field, so the provider-shaped object
 * stays exactly the provider's shape for spreads, JSON and deep-equality checks.
 */
export type RoutingInfo = {
  provider?: string;
  model?: string;
  attempts: Attempt[];
  costUsd?: number;
  requestId?: string;
};

const FIELD = 'llmRouter';

export function attachRoutingInfo<T extends object>(target: T, info: RoutingInfo): T {
  Object.defineProperty(target, FIELD, { value: info, enumerable: false, configurable: true });
  return target;
}

/** The routing info of a drop-in client's result or error, if it has one. */
export function routingInfo(value: unknown): RoutingInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as { [FIELD]?: RoutingInfo })[FIELD];
}

/**
 * The failure class a drop-in client reports for a router error: the last attempt's class when every
 * candidate failed, 'timeout' for a passed deadline, 'rate_limit' for a full queue.
 */
export function finalFailure(error: RouterError): FailureClass {
  if (ProviderError.isInstance(error) || StreamInterruptedError.isInstance(error)) return error.failure;
  if (DeadlineExceededError.isInstance(error)) return 'timeout';
  if (QueueFullError.isInstance(error)) return 'rate_limit';
  if (InvalidRequestError.isInstance(error) || NoEligibleModelError.isInstance(error))
    return 'invalid_request';
  if (AllProvidersFailedError.isInstance(error)) {
    const last = error.attempts.at(-1)?.outcome;
    return last && last !== 'success' ? last : 'server';
  }
  return 'server';
}

/** The attempts a router error carries (empty when it has none). */
export function attemptsOf(error: unknown): Attempt[] {
  const attempts = (error as { attempts?: unknown } | null)?.attempts;
  return Array.isArray(attempts) ? (attempts as Attempt[]) : [];
}
