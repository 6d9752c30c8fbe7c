import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@spillway/core';

/**
 * A key clients may present: the key itself, or its SHA-256 (hex) so the key never sits in a config
 * file. Either way only the hash is kept in memory.
 */
export type VirtualKey = ({ key: string } | { sha256: string }) & {
  /** Whose requests these are: set as the request's `tenant` (per-tenant budgets and limits). */
  tenant?: string;
};

/** What a matched key grants. */
export type KeyGrant = { tenant: string | undefined };

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** The SHA-256 (hex) of a key, for the `{ sha256 }` form of a virtual key. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

type StoredKey = { digest: Buffer; grant: KeyGrant };

/** Virtual keys held as digests; `match` compares against every one in constant time. */
export class KeyRing {
  readonly #keys: StoredKey[];

  /** `option` names the list in errors (`keys`, `adminKeys`); no error ever holds a key. */
  constructor(keys: readonly VirtualKey[], option = 'keys') {
    this.#keys = keys.map((entry, index) => toStored(entry, `${option}[${index}]`));
    const seen = new Map<string, number>();
    for (const [index, stored] of this.#keys.entries()) {
      const hex = stored.digest.toString('hex');
      const first = seen.get(hex);
      if (first !== undefined) {
        const field = `${option}[${index}]`;
        throw new ConfigError(
          `${field} duplicates ${option}[${first}] (the same key, given as itself or as its sha256)`,
          { field },
        );
      }
      seen.set(hex, index);
    }
  }

  get size(): number {
    return this.#keys.length;
  }

  /**
   * The grant of the key presented, or undefined. Every stored digest is compared (no early exit), so
   * the time taken says nothing about which key, or how much of one, matched.
   */
  match(presented: string | undefined): KeyGrant | undefined {
    if (presented === undefined || presented.length === 0) return undefined;
    // One-shot hash(): half the cost of a Hash object per request (12 vs 21 µs in a loop, loaded machine).
    const digest = hash('sha256', presented, 'buffer');
    let found: KeyGrant | undefined;
    for (const stored of this.#keys) {
      if (timingSafeEqual(stored.digest, digest) && found === undefined) found = stored.grant;
    }
    return found;
  }
}

function toStored(entry: VirtualKey, field: string): StoredKey {
  if (typeof entry !== 'object' || entry === null)
    throw new ConfigError(`${field} must be an object`, { field });
  const tenant = (entry as { tenant?: unknown }).tenant;
  if (tenant !== undefined && (typeof tenant !== 'string' || tenant.length === 0))
    throw new ConfigError(`${field}.tenant must be a non-empty string`, { field: `${field}.tenant` });
  const grant: KeyGrant = { tenant: tenant as string | undefined };
  const key = (entry as { key?: unknown }).key;
  const sha256 = (entry as { sha256?: unknown }).sha256;
  if ((key === undefined) === (sha256 === undefined))
    throw new ConfigError(`${field} must have exactly one of "key" or "sha256"`, { field });
  if (key !== undefined) {
    if (typeof key !== 'string' || key.length < 8)
      throw new ConfigError(`${field}.key must be a string of at least 8 characters`, {
        field: `${field}.key`,
      });
    return { digest: createHash('sha256').update(key).digest(), grant };
  }
  if (typeof sha256 !== 'string' || !HEX_SHA256.test(sha256))
    throw new ConfigError(`${field}.sha256 must be 64 hexadecimal characters (the key's SHA-256)`, {
      field: `${field}.sha256`,
    });
  return { digest: Buffer.from(sha256, 'hex'), grant };
}

/** The key a client sent: `Authorization: Bearer …` (OpenAI SDK, Claude Code's auth token) or `x-api-key` (Anthropic SDK). */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (match) return match[1]?.trim();
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}
