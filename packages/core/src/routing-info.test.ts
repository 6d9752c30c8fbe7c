import { describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  DeadlineExceededError,
  InvalidRequestError,
  QueueFullError,
  StreamInterruptedError,
} from './errors.js';
import { attachRoutingInfo, attemptsOf, finalFailure, routingInfo } from './routing-info.js';

describe('routing info', () => {
  it('is attached without changing the enumerable shape', () => {
    const result = attachRoutingInfo({ id: 'x' }, { provider: 'groq', model: 'm', attempts: [] });
    expect(Object.keys(result)).toEqual(['id']);
    expect(JSON.stringify(result)).toBe('{"id":"x"}');
    expect(routingInfo(result)).toEqual({ provider: 'groq', model: 'm', attempts: [] });
    expect(routingInfo({})).toBeUndefined();
    expect(routingInfo(null)).toBeUndefined();
  });
});

describe('finalFailure', () => {
  const attempt = { provider: 'p', model: 'm', durationMs: 1 };
  it('reports the class behind each router error', () => {
    const failed = new AllProvidersFailedError('x', {
      attempts: [
        { ...attempt, outcome: 'server' },
        { ...attempt, outcome: 'rate_limit' },
      ],
    });
    expect(finalFailure(failed)).toBe('rate_limit');
    expect(attemptsOf(failed)).toHaveLength(2);
    expect(finalFailure(new DeadlineExceededError('x', { attempts: [] }))).toBe('timeout');
    expect(finalFailure(new QueueFullError('x'))).toBe('rate_limit');
    expect(finalFailure(new InvalidRequestError('x'))).toBe('invalid_request');
    expect(
      finalFailure(new StreamInterruptedError('x', { partialText: '', attempts: [], failure: 'stall' })),
    ).toBe('stall');
    expect(attemptsOf(new Error('plain'))).toEqual([]);
  });
});
