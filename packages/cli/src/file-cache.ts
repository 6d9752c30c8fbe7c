import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { memoryCache, type ResponseCache } from '@spillway/core';

export type FileCacheOptions = {
  /** How long an answer is served. Default a week. */
  ttlMs?: number;
  /** Wall clock for expiry (tests pass their own). */
  now?: () => number;
};

const WEEK_MS = 7 * 24 * 3_600_000;

/**
 * A response cache kept in memory and in a JSONL file, so another run of `spillway batch` (another
 * process, another day) answers what an earlier run asked. Each stored answer is appended as one line
 * with one write, so a kill can tear only the last line; lines that do not parse or have expired are
 * skipped when the file is read.
 */
export function fileCache(
  path: string,
  options: FileCacheOptions = {},
): ResponseCache & { readonly size: number } {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? WEEK_MS;
  const memory = memoryCache({ maxEntries: 1_000_000, maxBytes: 512 * 1024 * 1024, ttlMs, clock: { now } });
  const content = existsSync(path) ? readFileSync(path, 'utf8') : '';
  for (const line of content.split('\n')) {
    const entry = parse(line);
    if (entry && entry.expiresAt > now()) memory.set(entry.key, entry.value, entry.expiresAt - now());
  }
  // After a torn last line, the next entry starts on a line of its own.
  let separator = content && !content.endsWith('\n') ? '\n' : '';
  return {
    get: (key) => memory.get(key),
    set(key, value, ttl) {
      const lifetime = ttl ?? ttlMs;
      memory.set(key, value, lifetime);
      appendFileSync(path, `${separator}${JSON.stringify({ key, value, expiresAt: now() + lifetime })}\n`);
      separator = '';
    },
    get size() {
      return memory.size;
    },
  };
}

function parse(line: string): { key: string; value: string; expiresAt: number } | undefined {
  if (!line.trim()) return undefined;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (
      typeof entry.key === 'string' &&
      typeof entry.value === 'string' &&
      typeof entry.expiresAt === 'number'
    )
      return { key: entry.key, value: entry.value, expiresAt: entry.expiresAt };
  } catch {
    // A torn last line (the run was killed mid-write): the answer is asked again.
  }
  return undefined;
}
