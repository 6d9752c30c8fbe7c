import type { ResponseCache } from '@spillway/core';
import { fileCache } from './file-cache.js';

export type OpenedCache = { cache: ResponseCache; close(): Promise<void> };

/** `--cache`: a Redis URL (shared by every process that uses it) or a file path. */
export async function openCache(where: string): Promise<OpenedCache> {
  if (/^rediss?:\/\//.test(where)) {
    // Loaded only when asked for: ioredis is not needed otherwise.
    const { redisCache } = await import('@spillway/redis');
    const cache = redisCache({ url: where });
    return {
      cache,
      close: async () => {
        await cache.close();
      },
    };
  }
  return { cache: fileCache(where), close: async () => {} };
}
