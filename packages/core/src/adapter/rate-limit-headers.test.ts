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

describe('parseGoDuration agrees with the grammar it implements', () => {
  // The grammar as a regular expression, the reference the hand-written scanner must match exactly.
  const grammar = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/;
  const units: Record<string, number> = { h: 3.6e6, m: 6e4, s: 1e3, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };
  const reference = (text: string): number | undefined => {
    const trimmed = text.trim();
    if (trimmed === '') return undefined;
    if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
    if (!grammar.test(trimmed)) return undefined;
    let total = 0;
    for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g))
      total += Number(amount) * (units[unit as string] as number);
    return total;
  };

  it('on every short string over its alphabet and on generated durations, valid and broken', () => {
    const alphabet = ['1', '0', '.', 'h', 'm', 's', 'u', 'µ', 'n', ' ', '-'];
    const texts: string[] = [''];
    for (let length = 1; length <= 3; length++)
      for (const prefix of texts.filter((text) => text.length === length - 1))
        for (const char of alphabet) texts.push(prefix + char);
    const parts = ['1', '12', '0.5', '2.', '.5', '7'];
    const unitNames = [...Object.keys(units), 'x', ''];
    let seed = 7;
    const next = (count: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % count;
    };
    for (let index = 0; index < 1500; index++) {
      let text = '';
      for (let part = 0; part <= next(4); part++)
        text += `${parts[next(parts.length)]}${unitNames[next(unitNames.length)]}`;
      texts.push(next(5) === 0 ? ` ${text} ` : text);
    }
    for (const text of texts) expect(parseGoDuration(text), JSON.stringify(text)).toBe(reference(text));
  });
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

  it('caps at a day', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '999999' }), now)).toBe(86_400_000);
    expect(parseRetryAfter(headers({ 'retry-after': '1000000000' }), now)).toBe(86_400_000);
  });

  it('reads negative, zero and past values as missing (issue 14, defect 1)', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '-5' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '0' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon, 23 Nov 2026 11:00:00 GMT' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after-ms': '-100', 'retry-after': '2' }), now)).toBe(2000);
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
