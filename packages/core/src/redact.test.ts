import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

describe('redact', () => {
  it('masks a Google API key that was never registered', () => {
    const key = `AIzaSy${'B'.repeat(33)}`;
    expect(redact(`API key not valid: ${key}.`)).toBe('API key not valid: [redacted].');
  });
});
