export type { Inspection } from './budget-mirror.js';
export { REDIS_CACHE_DEFAULTS } from './defaults.js';
export type { RedisCache, RedisCacheOptions } from './redis-cache.js';
export { redisCache } from './redis-cache.js';
export type { DegradedEvent, RecoveredEvent, StoreLogger } from './redis-health.js';
export type { RedisStore, RedisStoreOptions } from './redis-store.js';
export { redisStore } from './redis-store.js';
