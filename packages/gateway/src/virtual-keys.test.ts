import { ConfigError } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { hashKey, KeyRing, presentedKey } from './virtual-keys.js';

describe('KeyRing', () => {
  it('matches a key given as itself or as its SHA-256, and grants its tenant', () => {
    const ring = new KeyRing([
      { key: 'sk-alpha-12345', tenant: 'alpha' },
      { sha256: hashKey('sk-beta-67890').toUpperCase() },
    ]);
    expect(ring.match('sk-alpha-12345')).toEqual({ tenant: 'alpha' });
    expect(ring.match('sk-beta-67890')).toEqual({ tenant: undefined });
    expect(ring.match('sk-alpha-1234')).toBeUndefined();
    expect(ring.match('')).toBeUndefined();
    expect(ring.match(undefined)).toBeUndefined();
  });

  it('rejects malformed entries with a ConfigError naming the field', () => {
    const problem = (keys: unknown[]) => {
      try {
        new KeyRing(keys as never);
      } catch (error) {
        expect(ConfigError.isInstance(error)).toBe(true);
        return (error as ConfigError).field;
      }
      return 'no error';
    };
    expect(problem([{ key: 'short' }])).toBe('keys[0].key');
    expect(problem([{ sha256: 'abc' }])).toBe('keys[0].sha256');
    expect(problem([{ key: 'sk-alpha-12345', sha256: hashKey('x') }])).toBe('keys[0]');
    expect(problem([{ key: 'sk-alpha-12345', tenant: '' }])).toBe('keys[0].tenant');
    expect(problem([{ key: 'sk-alpha-12345' }, { sha256: hashKey('sk-alpha-12345') }])).toBe('keys[1]');
  });
});

describe('presentedKey', () => {
  it('reads a Bearer token or x-api-key', () => {
    expect(presentedKey({ authorization: 'Bearer sk-1' })).toBe('sk-1');
    expect(presentedKey({ authorization: 'bearer  sk-2 ' })).toBe('sk-2');
    expect(presentedKey({ 'x-api-key': 'sk-3' })).toBe('sk-3');
    expect(presentedKey({ authorization: 'Basic abc' })).toBeUndefined();
  });
});
