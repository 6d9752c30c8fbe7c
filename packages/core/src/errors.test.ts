import { describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  ConfigError,
  InvalidRequestError,
  ProviderError,
  QueueFullError,
  RouterError,
} from './errors.js';

describe('RouterError hierarchy', () => {
  it('gives each error a stable code and class name', () => {
    const error = new InvalidRequestError('messages must not be empty', { field: 'messages' });
    expect(error.code).toBe('invalid_request');
    expect(error.name).toBe('InvalidRequestError');
    expect(error.field).toBe('messages');
    expect(error).toBeInstanceOf(RouterError);
    expect(error).toBeInstanceOf(Error);
  });

  it('recognises errors across package copies by marker and code', () => {
    const foreign = new ConfigError('bad');
    // A structural copy, as another copy of the package would create: same marker, same code.
    const copy = Object.create(null) as Record<string | symbol, unknown>;
    copy[Symbol.for('spillway.error')] = true;
    copy.code = 'queue_full';
    expect(RouterError.isInstance(foreign)).toBe(true);
    expect(ConfigError.isInstance(foreign)).toBe(true);
    expect(InvalidRequestError.isInstance(foreign)).toBe(false);
    expect(QueueFullError.isInstance(copy)).toBe(true);
    expect(RouterError.isInstance(new Error('plain'))).toBe(false);
    expect(RouterError.isInstance(null)).toBe(false);
  });

  it('keeps attempts and the cause', () => {
    const cause = new ProviderError('429', {
      failure: 'rate_limit',
      provider: 'openai',
      model: 'm',
      status: 429,
    });
    const error = new AllProvidersFailedError('all failed', {
      cause,
      attempts: [{ provider: 'openai', model: 'm', outcome: 'rate_limit', status: 429, durationMs: 3 }],
      retryAfterMs: 1000,
    });
    expect(error.cause).toBe(cause);
    expect(error.attempts[0]?.outcome).toBe('rate_limit');
    expect(error.retryAfterMs).toBe(1000);
  });
});
