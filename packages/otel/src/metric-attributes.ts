import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_SPILLWAY_TOKEN_TYPE,
  GEN_AI_OPERATION_CHAT,
} from './semconv.js';

/** The attributes of one series of the request metrics, and its token-usage variants. */
export type AttributeSet = {
  readonly base: Attributes;
  readonly input: Attributes;
  readonly output: Attributes;
  readonly cacheRead: Attributes;
  readonly cacheWrite: Attributes;
};

// Series are few (providers x models x error codes); past this many, sets are built per record.
const MAX_SETS = 1_000;
const NONE = '\u0000';

/**
 * Frozen attribute objects, one per (provider, requested model, answering model, error type), reused
 * by every record of that series. The SDK still hashes them on each record, but nothing is built or
 * copied per request (decision 1710).
 */
export class MetricAttributeSets {
  readonly #providerName: (provider: string) => string;
  readonly #sets = new Map<string, AttributeSet>();

  constructor(providerName: (provider: string) => string) {
    this.#providerName = providerName;
  }

  get(
    provider: string | undefined,
    requestModel: string | undefined,
    responseModel: string | undefined,
    errorType: string | undefined,
  ): AttributeSet {
    const key = `${provider ?? NONE}\n${requestModel ?? NONE}\n${responseModel ?? NONE}\n${errorType ?? NONE}`;
    let set = this.#sets.get(key);
    if (set === undefined) {
      set = this.#build(provider, requestModel, responseModel, errorType);
      if (this.#sets.size < MAX_SETS) this.#sets.set(key, set);
    }
    return set;
  }

  #build(
    provider: string | undefined,
    requestModel: string | undefined,
    responseModel: string | undefined,
    errorType: string | undefined,
  ): AttributeSet {
    const base: Attributes = { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_CHAT };
    if (provider !== undefined) base[ATTR_GEN_AI_PROVIDER_NAME] = this.#providerName(provider);
    if (requestModel !== undefined) base[ATTR_GEN_AI_REQUEST_MODEL] = requestModel;
    if (responseModel !== undefined) base[ATTR_GEN_AI_RESPONSE_MODEL] = responseModel;
    if (errorType !== undefined) base[ATTR_ERROR_TYPE] = errorType;
    const variant = (key: string, value: string) => Object.freeze({ ...base, [key]: value });
    return {
      base: Object.freeze(base),
      input: variant(ATTR_GEN_AI_TOKEN_TYPE, 'input'),
      output: variant(ATTR_GEN_AI_TOKEN_TYPE, 'output'),
      // The v1.41 token types are input and output only; cache reads and writes are parts of the input
      // (already counted there), told apart by our own attribute instead (decision 1711).
      cacheRead: variant(ATTR_SPILLWAY_TOKEN_TYPE, 'cache_read'),
      cacheWrite: variant(ATTR_SPILLWAY_TOKEN_TYPE, 'cache_write'),
    };
  }
}
