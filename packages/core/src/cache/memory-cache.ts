import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { ResponseCache } from './response-cache.js';

export type MemoryCacheOptions = {
  /** Most answers kept; the least recently used goes first. Default 1000. */
  maxEntries?: number;
  /** How long an answer is served. Default one hour. */
  ttlMs?: number;
  /** Most bytes kept (UTF-16 length of the stored entries, requests included). Default 64 MiB. */
  maxBytes?: number;
  /** Time source for expiry (tests pass the router's fake clock). */
  clock?: Pick<Clock, 'now'>;
};

export type MemoryCache = ResponseCache & {
  /** Answers held now. */
  readonly size: number;
  /** Bytes held now. */
  readonly bytes: number;
  clear(): void;
};

const DEFAULTS = { maxEntries: 1_000, ttlMs: 3_600_000, maxBytes: 64 * 1024 * 1024 };

function positiveInteger(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new ConfigError(`memoryCache: ${field} must be a positive integer, got ${String(value)}`, {
      field,
    });
}

/**
 * A response cache in this process, bounded by entries and by bytes (lru-cache). Reads and writes
 * are synchronous and set no timers: expiry is checked when an entry is read.
 */
export function memoryCache(options: MemoryCacheOptions = {}): MemoryCache {
  positiveInteger(options.maxEntries, 'maxEntries');
  positiveInteger(options.ttlMs, 'ttlMs');
  positiveInteger(options.maxBytes, 'maxBytes');
  const clock = options.clock;
  const lru = new LRUCache<string, string>({
    max: options.maxEntries ?? DEFAULTS.maxEntries,
    maxSize: options.maxBytes ?? DEFAULTS.maxBytes,
    // An entry larger than a tenth of the budget is not worth evicting a crowd for.
    maxEntrySize: Math.max(1, Math.floor((options.maxBytes ?? DEFAULTS.maxBytes) / 10)),
    sizeCalculation: (value, key) => value.length + key.length,
    ttl: options.ttlMs ?? DEFAULTS.ttlMs,
    // 0: no timer that caches "now" (lru-cache's default sets one per read).
    ttlResolution: 0,
    ...(clock ? { perf: { now: () => clock.now() } } : {}),
  });
  return {
    get: (key) => lru.get(key),
    set(key, value, ttlMs) {
      lru.set(key, value, ttlMs === undefined ? undefined : { ttl: ttlMs });
    },
    get size() {
      return lru.size;
    },
    get bytes() {
      return lru.calculatedSize;
    },
    clear: () => lru.clear(),
  };
}
