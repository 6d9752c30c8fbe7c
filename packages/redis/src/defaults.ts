/** Option defaults, in one place so the README table can be checked against them. */
export const REDIS_STORE_DEFAULTS = {
  prefix: 'spillway',
  commandTimeoutMs: 1_000,
  probeIntervalMs: 1_000,
  connectTimeoutMs: 2_000,
  degradedShare: 1,
  leaseMs: 500,
} as const;

export const REDIS_CACHE_DEFAULTS = {
  prefix: 'spillway:cache',
  ttlMs: 3_600_000,
  commandTimeoutMs: 250,
  probeIntervalMs: 1_000,
  connectTimeoutMs: 2_000,
} as const;
