import { ConfigError, createRouter } from '@spillway/core';
import { scriptedAdapter } from '@spillway/core/testing';
import { describe, expect, it } from 'vitest';
import { startGateway } from './start-gateway.js';
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

describe('duplicate keys', () => {
  const KEY = 'sk-admin-duplicate-1';
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error('no error');
  };

  it('name the list and both entries, never the key', () => {
    const error = failure(
      () => new KeyRing([{ key: 'sk-other-key-1' }, { key: KEY }, { sha256: hashKey(KEY) }], 'adminKeys'),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.field).toBe('adminKeys[2]');
    expect(error.message).toBe(
      'adminKeys[2] duplicates adminKeys[1] (the same key, given as itself or as its sha256)',
    );
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain(hashKey(KEY));
  });

  it('startGateway reports a repeated admin key as adminKeys[i]', async () => {
    const router = createRouter({ providers: [scriptedAdapter({ name: 'p', models: [{ id: 'm' }] })] });
    const started = startGateway({ router, adminKeys: [{ key: KEY }, { key: KEY }] });
    await expect(started).rejects.toMatchObject({ code: 'config_error', field: 'adminKeys[1]' });
    await expect(started).rejects.toThrow(/^adminKeys\[1\] duplicates adminKeys\[0\]/);
    await router.close();
  });
});
