import { describe, expect, it } from 'vitest';
import { parseGoDuration, parseHeaderInteger, parseRetryAfter } from './rate-limit-headers.js';

const headers = (values: Record<string, string>) => new Headers(values);

describe('parseGoDuration', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['2m59.56s', 179_560],
    ['12ms', 12],
    ['7.66s', 7660],
    ['1h2m3s', 3_723_000],
    ['0s', 0],
    ['500us', 0.5],
    ['30', 30_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each([[''], ['abc'], ['-1s'], ['1x'], ['s'], ['1s garbage'], [null], [undefined]])(
    'rejects %s',
    (text) => {
      expect(parseGoDuration(text)).toBeUndefined();
    },
  );
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');

  it('prefers retry-after-ms', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250.5', 'retry-after': '9' }), now)).toBe(250.5);
  });

  it('reads retry-after seconds', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), now)).toBe(2000);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon, 23 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
  });

  it('clamps to [0, 1 day]', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '-5' }), now)).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon, 23 Nov 2026 11:00:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after': '999999' }), now)).toBe(86_400_000);
  });

  it('is undefined without a usable header', () => {
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('falls back to retry-after when retry-after-ms is not a number', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': 'x', 'retry-after': '1' }), now)).toBe(1000);
  });
});

describe('parseHeaderInteger', () => {
  it('parses integers and ignores junk', () => {
    expect(parseHeaderInteger('14370')).toBe(14370);
    expect(parseHeaderInteger(' 7 ')).toBe(7);
    expect(parseHeaderInteger('abc')).toBeUndefined();
    expect(parseHeaderInteger(null)).toBeUndefined();
  });
});
