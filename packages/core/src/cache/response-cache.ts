import type { MaybePromise } from '../store.js';

/**
 * Where the router keeps answers: a plain string key-value store with a time to live. The router owns
 * the keys, the encoding and the checks (a value that does not decode is a miss); a cache only stores.
 * A `get` or `set` that throws or rejects (a cache that cannot be reached) never fails a request: the
 * router goes on without the cache and logs one warning.
 */
export interface ResponseCache {
  /** The value stored under `key`, or undefined (never stored, expired, evicted). */
  get(key: string): MaybePromise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs` (the cache's own default when undefined). */
  set(key: string, value: string, ttlMs?: number): MaybePromise<void>;
  close?(): MaybePromise<void>;
}

/**
 * Per request. `default`: answer from the cache, else call (sharing a call identical requests already
 * have in flight) and store. `refresh`: skip the lookup, call, store. `no-store`: answer from the
 * cache, else call without storing. `only-if-cached`: answer from the cache or reject with
 * CacheMissError; never call a provider.
 */
export type CacheMode = 'default' | 'refresh' | 'no-store' | 'only-if-cached';
export const CACHE_MODES: readonly CacheMode[] = ['default', 'refresh', 'no-store', 'only-if-cached'];

export type CacheControl = { ttlMs?: number; mode?: CacheMode };

/**
 * `hit`: served from the cache, or by sharing an identical request's call in flight (costs $0);
 * `miss`: a provider answered; `bypass`: the cache was not used (`cache: false`, or it was unreachable).
 */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

export type CacheStats = {
  /** Requests answered from a stored entry. */
  hits: number;
  /** Requests that looked in the cache and went to a provider. */
  misses: number;
  /** Requests answered by sharing an identical request's call in flight. */
  coalesced: number;
  /** What hits and coalesced requests would have cost: the cost of the answers they reused. */
  savedUsd: number;
};
