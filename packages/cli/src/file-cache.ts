import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { memoryCache, type ResponseCache } from '@spillway/core';

export type FileCacheOptions = {
  /** How long an answer is served. Default a week. */
  ttlMs?: number;
  /** Wall clock for expiry (tests pass their own). */
  now?: () => number;
};

const WEEK_MS = 7 * 24 * 3_600_000;
/** Below this many lines a file is small enough to leave as it is. */
const COMPACT_MIN_LINES = 64;

type Entry = { key: string; value: string; expiresAt: number };

/**
 * A response cache kept in memory and in a JSONL file, so another run of `spillway batch` (another
 * process, another day) answers what an earlier run asked. Each stored answer is appended as one line
 * with one write, so a kill can tear only the last line; lines that do not parse or have expired are
 * skipped when the file is read. When most of the file is such dead lines (expired, replaced by a later
 * line for the same key, torn), opening it rewrites it with the live entries only: a new file renamed
 * over the old one, so a reader sees one or the other. Another process appending to the file at that
 * moment can lose its last answers (they are asked again next time, nothing else).
 */
export function fileCache(
  path: string,
  options: FileCacheOptions = {},
): ResponseCache & { readonly size: number } {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? WEEK_MS;
  const memory = memoryCache({ maxEntries: 1_000_000, maxBytes: 512 * 1024 * 1024, ttlMs, clock: { now } });
  const content = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const live = new Map<string, Entry>();
  let lines = 0;
  for (const line of content.split('\n')) {
    if (!line) continue;
    lines++;
    const entry = parse(line);
    if (entry && entry.expiresAt > now()) live.set(entry.key, entry);
    else if (entry) live.delete(entry.key);
  }
  for (const entry of live.values()) memory.set(entry.key, entry.value, entry.expiresAt - now());
  let separator = '';
  if (lines >= COMPACT_MIN_LINES && lines > 2 * live.size) {
    const temporary = `${path}.${process.pid}.compacting`;
    writeFileSync(temporary, [...live.values()].map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    renameSync(temporary, path);
  } else if (content && !content.endsWith('\n')) {
    // After a torn last line, the next entry starts on a line of its own.
    separator = '\n';
  }
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

function parse(line: string): Entry | undefined {
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
