import { describe, expect, it } from 'vitest';
import { credit, fullBucket, refill, resize, timeUntilFits } from './token-bucket.js';

describe('token bucket arithmetic', () => {
  it.each([
    // capacity 60 per minute = 1 unit per second
    { level: 0, elapsedMs: 0, expected: 0 },
    { level: 0, elapsedMs: 1_000, expected: 1 },
    { level: 0, elapsedMs: 30_000, expected: 30 },
    { level: 0, elapsedMs: 120_000, expected: 60 },
    { level: -10, elapsedMs: 5_000, expected: -5 },
    { level: 59.5, elapsedMs: 10_000, expected: 60 },
  ])(
    'refills continuously: level $level after $elapsedMs ms is $expected',
    ({ level, elapsedMs, expected }) => {
      const bucket = { ...fullBucket(60, 60_000, 0), level };
      refill(bucket, elapsedMs);
      expect(bucket.level).toBeCloseTo(expected, 9);
      expect(bucket.at).toBe(elapsedMs);
    },
  );

  it('does not move backwards when time does', () => {
    const bucket = { ...fullBucket(60, 60_000, 1_000), level: 5 };
    refill(bucket, 500);
    expect(bucket).toMatchObject({ level: 5, at: 1_000 });
  });

  it.each([
    { level: 10, amount: 5, expected: 0 },
    { level: 10, amount: 10, expected: 0 },
    { level: 10, amount: 11, expected: 1_000 },
    { level: -5, amount: 5, expected: 10_000 },
    { level: 60, amount: 61, expected: Number.POSITIVE_INFINITY },
  ])('time until $amount fits at level $level is $expected ms', ({ level, amount, expected }) => {
    expect(timeUntilFits({ ...fullBucket(60, 60_000, 0), level }, amount)).toBe(expected);
  });

  it.each([
    { level: 10, amount: 5, slackMs: 5_000, expected: 0 },
    { level: 10, amount: 8, slackMs: 5_000, expected: 3_000 },
    { level: 59, amount: 60, slackMs: 5_000, expected: 1_000 },
  ])(
    'with $slackMs ms of slack, $amount fits at level $level in $expected ms',
    ({ level, amount, slackMs, expected }) => {
      expect(timeUntilFits({ ...fullBucket(60, 60_000, 0), level }, amount, slackMs)).toBe(expected);
    },
  );

  it('credits never overfill and debits may go negative', () => {
    const bucket = { ...fullBucket(100, 60_000, 0), level: 90 };
    credit(bucket, 50);
    expect(bucket.level).toBe(100);
    credit(bucket, -130);
    expect(bucket.level).toBe(-30);
  });

  it('resizing keeps the units already used', () => {
    const bucket = { ...fullBucket(60, 60_000, 0), level: 50 };
    resize(bucket, 30, 60_000);
    expect(bucket).toMatchObject({ capacity: 30, level: 20 });
    resize(bucket, 100, 86_400_000);
    expect(bucket).toMatchObject({ capacity: 100, level: 90, windowMs: 86_400_000 });
  });
});
