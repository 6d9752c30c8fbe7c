export type { Inspection } from './budget-mirror.js';
export type { DegradedEvent, RecoveredEvent, StoreLogger } from './redis-health.js';
export type { RedisStore, RedisStoreOptions } from './redis-store.js';
export { redisStore } from './redis-store.js';
