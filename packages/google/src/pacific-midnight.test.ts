import { describe, expect, it } from 'vitest';
import { msUntilPacificMidnight, nextPacificMidnight } from './pacific-midnight.js';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('nextPacificMidnight', () => {
  it('is 08:00 UTC in winter (PST) and 07:00 UTC in summer (PDT)', () => {
    expect(new Date(nextPacificMidnight(at('2026-01-15T12:00:00Z'))).toISOString()).toBe(
      '2026-01-16T08:00:00.000Z',
    );
    expect(new Date(nextPacificMidnight(at('2026-07-15T12:00:00Z'))).toISOString()).toBe(
      '2026-07-16T07:00:00.000Z',
    );
  });

  it('counts from Pacific wall time, not the UTC date', () => {
    // 2026-07-16T05:00Z is still 22:00 on the 15th in Los Angeles: two hours to go.
    expect(msUntilPacificMidnight(at('2026-07-16T05:00:00Z'))).toBe(2 * HOUR);
  });

  it('knows the 23-hour day when daylight saving starts (2026-03-08)', () => {
    // 00:30 PST on March 8: clocks skip 02:00-03:00, so midnight is 22.5 hours away.
    expect(msUntilPacificMidnight(at('2026-03-08T08:30:00Z'))).toBe(22.5 * HOUR);
    expect(new Date(nextPacificMidnight(at('2026-03-08T08:30:00Z'))).toISOString()).toBe(
      '2026-03-09T07:00:00.000Z',
    );
  });

  it('knows the 25-hour day when daylight saving ends (2026-11-01)', () => {
    // 00:30 PDT on November 1: 01:00-02:00 happens twice, so midnight is 24.5 hours away.
    expect(msUntilPacificMidnight(at('2026-11-01T07:30:00Z'))).toBe(24.5 * HOUR);
  });

  it('a moment before midnight waits that moment; midnight itself waits a whole day', () => {
    expect(msUntilPacificMidnight(at('2026-01-16T07:59:59.500Z'))).toBe(500);
    expect(msUntilPacificMidnight(at('2026-01-16T08:00:00Z'))).toBe(24 * HOUR);
  });
});
