import { describe, expect, it } from 'vitest';
import { duration, formatTable, usd } from './format.js';

describe('usd', () => {
  it('shows three significant digits below a dollar, cents above, and never float noise', () => {
    expect(usd(0.000028199999999999998)).toBe('$0.0000282');
    expect(usd(0.1 + 0.2)).toBe('$0.300');
    expect(usd(0.0041234)).toBe('$0.00412');
    expect(usd(0.99949)).toBe('$0.999');
    expect(usd(0.99999)).toBe('$1.00');
    expect(usd(12.345)).toBe('$12.35');
    expect(usd(1234.5)).toBe('$1234.50');
    expect(usd(0)).toBe('$0');
  });

  it('keeps tiny amounts in plain decimals (no exponent) and says when they round to nothing', () => {
    expect(usd(2.82e-7)).toBe('$0.000000282');
    expect(usd(1e-12)).toBe('<$0.0000000001');
  });
});

describe('formatTable', () => {
  it('right-aligns columns of numbers and amounts', () => {
    expect(
      formatTable([
        ['name', 'cost'],
        ['a', usd(0.0000282)],
        ['bb', usd(12.5)],
      ]),
    ).toBe(['name        cost', '----  ----------', 'a     $0.0000282', 'bb        $12.50'].join('\n'));
  });
});

describe('duration', () => {
  it('uses ms, seconds, then minutes', () => {
    expect(duration(250)).toBe('250ms');
    expect(duration(1_500)).toBe('1.5s');
    expect(duration(125_000)).toBe('2m05s');
  });
});
