import { describe, expect, it } from 'vitest';
import * as core from '../index.js';
import { routerErrorSamples } from './router-error-samples.js';

describe('routerErrorSamples', () => {
  it('has an instance of every error class core exports, so translation tables cannot miss one', () => {
    const classes = Object.entries(core).filter(
      ([name, value]) =>
        name !== 'RouterError' && typeof value === 'function' && value.prototype instanceof core.RouterError,
    );
    expect(classes.length).toBeGreaterThanOrEqual(10);
    const samples = Object.values(routerErrorSamples());
    const missing = classes
      .filter(([, value]) => !samples.some((sample) => sample instanceof (value as typeof core.RouterError)))
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('gives fresh instances naming the provider asked for', () => {
    const a = routerErrorSamples('openai');
    const b = routerErrorSamples('openai');
    expect(a.budget).not.toBe(b.budget);
    expect((a['provider error'] as core.ProviderError).provider).toBe('openai');
  });
});
