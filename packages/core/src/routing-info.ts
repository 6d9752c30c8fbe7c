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
import type { Attempt, ChatRequest, ChatResult } from './types.js';

/** What a drop-in client's `model` name may stand for: routing fields merged into the request. */
export type ModelAlias = Pick<ChatRequest, 'model' | 'minCapability' | 'require'>;

/**
 * Which provider and model served a drop-in client call, how, and at what cost. Drop-in clients put it
 * on their results and errors as a non-enumerable `spillway` field, so the provider-shaped object
 * stays exactly the provider's shape for spreads, JSON and deep-equality checks.
 */
export type RoutingInfo = {
  provider?: string;
  model?: string;
  attempts: Attempt[];
  costUsd?: number;
  requestId?: string;
};

const FIELD = 'spillway';

export function attachRoutingInfo<T extends object>(target: T, info: RoutingInfo): T {
  Object.defineProperty(target, FIELD, { value: info, enumerable: false, configurable: true });
  return target;
}

/**
 * Attaches routing info that is known only later (a stream's, once it has finished): the field reads
 * `read()` until that returns something, then keeps it.
 */
export function attachRoutingInfoLater<T extends object>(target: T, read: () => RoutingInfo | undefined): T {
  let info: RoutingInfo | undefined;
  Object.defineProperty(target, FIELD, {
    get: () => {
      info ??= read();
      return info;
    },
    enumerable: false,
    configurable: true,
  });
  return target;
}

/** The routing info of a drop-in client's result or error, if it has one. */
export function routingInfo(value: unknown): RoutingInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as { [FIELD]?: RoutingInfo })[FIELD];
}

/**
 * Where a drop-in's HTTP layer records each answer's routing info by response id, for the drop-in
 * client that reads it back (`RoutingInfoStore`). Callers of the translations leave it unset.
 */
export type RoutingInfoSink = { set(responseId: string, info: RoutingInfo, error?: unknown): void };

/**
 * Routing info (and the router's error, for failures) by response id, held from when a drop-in
 * client's HTTP layer answers until the SDK has built the result or error it is attached to. Bounded:
 * responses read raw (`asResponse()`) are never claimed.
 */
export class RoutingInfoStore implements RoutingInfoSink {
  readonly #entries = new Map<string, { info: RoutingInfo; error?: unknown }>();

  set(responseId: string, info: RoutingInfo, error?: unknown): void {
    this.#entries.set(responseId, { info, error });
    if (this.#entries.size > 256) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  take(responseId: string | null | undefined): { info: RoutingInfo; error?: unknown } | undefined {
    if (!responseId) return undefined;
    const entry = this.#entries.get(responseId);
    this.#entries.delete(responseId);
    return entry;
  }
}

/** The routing info of a router error: its attempts, and the provider and model tried last. */
export function errorRoutingInfo(error: unknown): RoutingInfo {
  const attempts = attemptsOf(error);
  const last = attempts.at(-1);
  return { attempts, ...(last ? { provider: last.provider, model: last.model } : {}) };
}

/** The routing info of a router result. */
export function resultRoutingInfo(result: ChatResult): RoutingInfo {
  const info: RoutingInfo = {
    provider: result.provider,
    model: result.model,
    attempts: result.attempts,
    costUsd: result.costUsd,
  };
  if (result.requestId) info.requestId = result.requestId;
  return info;
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
    // The last failure: a hedged race's loser (`cancelled`) did not fail.
    const { attempts } = error;
    for (let index = attempts.length - 1; index >= 0; index--) {
      const outcome = attempts[index]?.outcome;
      if (outcome !== 'cancelled') return outcome && outcome !== 'success' ? outcome : 'server';
    }
    return 'server';
  }
  return 'server';
}

/** The attempts a router error carries (empty when it has none). */
export function attemptsOf(error: unknown): Attempt[] {
  const attempts = (error as { attempts?: unknown } | null)?.attempts;
  return Array.isArray(attempts) ? (attempts as Attempt[]) : [];
}
