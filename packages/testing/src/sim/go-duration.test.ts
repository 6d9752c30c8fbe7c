import { describe, expect, it } from 'vitest';
import { formatGoDuration } from './go-duration.js';

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [12, '12ms'],
    [8.5, '8.5ms'],
    [1000, '1s'],
    [7660, '7.66s'],
    [179_560, '2m59.56s'],
    [360_000, '6m0s'],
    [3_600_000, '1h0m0s'],
    [3_723_004, '1h2m3.004s'],
  ])('%s ms is %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});
