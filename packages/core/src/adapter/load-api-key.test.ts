import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { redact } from '../redact.js';
import { lazyClient } from './lazy-client.js';
import { loadApiKey } from './load-api-key.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('loadApiKey', () => {
  it('prefers the option, then the first variable set, and masks the key it returns', () => {
    delete process.env.KIT_A;
    process.env.KIT_B = 'kit-key-from-env-b-123';
    expect(loadApiKey({ apiKey: undefined, envVar: ['KIT_A', 'KIT_B'], provider: 'p', model: 'm' })).toBe(
      'kit-key-from-env-b-123',
    );
    expect(redact('echo kit-key-from-env-b-123')).not.toContain('kit-key-from-env-b-123');
    expect(loadApiKey({ apiKey: 'kit-given-key-456', envVar: 'KIT_B', provider: 'p', model: 'm' })).toBe(
      'kit-given-key-456',
    );
  });

  it('without a key throws an auth ProviderError naming every variable', () => {
    delete process.env.KIT_A;
    delete process.env.KIT_B;
    let thrown: unknown;
    try {
      loadApiKey({ apiKey: undefined, envVar: ['KIT_A', 'KIT_B'], provider: 'p', model: 'm' });
    } catch (error) {
      thrown = error;
    }
    expect(ProviderError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ failure: 'auth', provider: 'p', model: 'm' });
    expect((thrown as Error).message).toContain('KIT_A or KIT_B');
  });
});

describe('lazyClient', () => {
  it("masks a given client's key at once and never calls create", () => {
    const given = { apiKey: 'kit-client-key-789', authToken: 'kit-client-token-012' };
    const get = lazyClient(given, () => {
      throw new Error('must not create');
    });
    expect(redact('kit-client-key-789 kit-client-token-012')).not.toMatch(/kit-client-(key|token)/);
    expect(get('m')).toBe(given);
  });

  it('creates the client once, at the first call', () => {
    let created = 0;
    const get = lazyClient(undefined, (model) => ({ model, n: ++created }));
    expect(created).toBe(0);
    expect(get('a')).toEqual({ model: 'a', n: 1 });
    expect(get('b')).toEqual({ model: 'a', n: 1 });
  });
});
