import { createHash } from 'node:crypto';
import type { ChatRequest } from '../types.js';

/** Bump when the key's fields or the stored entry change shape: old entries then simply miss. */
export const CACHE_SCHEMA_VERSION = 1;

/**
 * Fields that do not shape the answer. Everything else is in the key, so a field added to requests
 * later (by us or a caller's extension) makes keys differ rather than serving a wrong answer.
 */
const NOT_IN_KEY: ReadonlySet<string> = new Set([
  'signal',
  'timeoutMs',
  'attemptTimeoutMs',
  'timeToFirstTokenMs',
  'stallTimeoutMs',
  'priority',
  'metadata',
  'cache',
  'onInterrupt',
  'fallbackOnContentFilter',
  'hedge',
]);

/**
 * The request as canonical JSON (sorted keys, no undefined): every answer-shaping field (messages,
 * tools, toolChoice, responseFormat, temperature, stop, maxTokens, seed), the model constraints
 * (model, minCapability, require: not the model that happened to serve), the tenant, and the schema
 * version. Stored beside the answer and compared on a hit, so a hash collision can never serve it.
 */
export function canonicalRequest(request: ChatRequest): string {
  const fields = request as unknown as Record<string, unknown>;
  let out = `{"v":${CACHE_SCHEMA_VERSION}`;
  for (const key of Object.keys(fields).sort()) {
    let value = fields[key];
    if (value === undefined || NOT_IN_KEY.has(key)) continue;
    // One stop sequence is the same request as a list of one.
    if (key === 'stop' && typeof value === 'string') value = [value];
    out += `,${JSON.stringify(key)}:${stable(value)}`;
  }
  return `${out}}`;
}

/** SHA-256 (hex) of the canonical request. */
export function cacheKey(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ',';
      const item: unknown = value[index];
      out += item === undefined || typeof item === 'function' ? 'null' : stable(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined || typeof item === 'function') continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${stable(item)}`;
    first = false;
  }
  return `${out}}`;
}
