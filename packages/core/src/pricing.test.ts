import { describe, expect, it } from 'vitest';
import { costUsd, usageCostUsd } from './pricing.js';

const sonnet = {
  inputUsdPerMTok: 3,
  outputUsdPerMTok: 15,
  cachedInputUsdPerMTok: 0.3,
  cacheWriteUsdPerMTok: 3.75,
};

describe('costUsd', () => {
  it('charges uncached input, cache reads, cache writes and output each at its own price', () => {
    // 10k input of which 6k read from the cache and 3k written to it: 1k uncached.
    const usage = {
      inputTokens: 10_000,
      outputTokens: 500,
      totalTokens: 10_500,
      cachedInputTokens: 6_000,
      cacheWriteInputTokens: 3_000,
    };
    const expected = (1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 500 * 15) / 1e6;
    expect(usageCostUsd(sonnet, usage)).toBeCloseTo(expected, 15);
    expect(costUsd(sonnet, 10_000, 500, 6_000, 3_000)).toBe(usageCostUsd(sonnet, usage));
  });

  it('a repeated prompt read from the cache costs less than the same prompt uncached', () => {
    const uncached = costUsd(sonnet, 2_000, 100);
    const cached = costUsd(sonnet, 2_000, 100, 1_800);
    expect(cached).toBeLessThan(uncached);
    expect(uncached - cached).toBeCloseTo((1_800 * (3 - 0.3)) / 1e6, 15);
  });

  it('prices cache tokens at the input price when the model has no cache prices', () => {
    const plain = { inputUsdPerMTok: 1, outputUsdPerMTok: 2 };
    expect(costUsd(plain, 1_000, 10, 400, 300)).toBeCloseTo((1_000 * 1 + 10 * 2) / 1e6, 15);
  });

  it('charges the 1-hour part of the cache writes at its own price, the rest at the 5-minute one', () => {
    const withLong = { ...sonnet, cacheWrite1hUsdPerMTok: 6 };
    // 3k written: 2k for an hour, 1k for five minutes; 1k uncached.
    const expected = (1_000 * 3 + 1_000 * 3.75 + 2_000 * 6 + 500 * 15) / 1e6;
    expect(costUsd(withLong, 4_000, 500, 0, 3_000, 2_000)).toBeCloseTo(expected, 15);
    const usage = { inputTokens: 4_000, outputTokens: 500, totalTokens: 4_500 };
    expect(
      usageCostUsd(withLong, { ...usage, cacheWriteInputTokens: 3_000, cacheWrite1hInputTokens: 2_000 }),
    ).toBe(costUsd(withLong, 4_000, 500, 0, 3_000, 2_000));
    // Without a 1-hour price they are cache writes like the others; never more of them than all writes.
    expect(costUsd(sonnet, 4_000, 500, 0, 3_000, 2_000)).toBe(costUsd(sonnet, 4_000, 500, 0, 3_000));
    expect(costUsd(withLong, 4_000, 0, 0, 1_000, 5_000)).toBeCloseTo((3_000 * 3 + 1_000 * 6) / 1e6, 15);
  });

  it('never charges a negative uncached part when cache counts exceed the input count', () => {
    expect(costUsd(sonnet, 100, 0, 150)).toBeCloseTo((150 * 0.3) / 1e6, 15);
  });

  describe('long-context prices', () => {
    const tiered = {
      inputUsdPerMTok: 2,
      outputUsdPerMTok: 12,
      cachedInputUsdPerMTok: 0.2,
      longContext: {
        aboveInputTokens: 200_000,
        inputUsdPerMTok: 4,
        outputUsdPerMTok: 18,
        cachedInputUsdPerMTok: 0.4,
      },
    };

    it('bill a request at its threshold at the standard prices', () => {
      expect(costUsd(tiered, 200_000, 1_000)).toBeCloseTo((200_000 * 2 + 1_000 * 12) / 1e6, 15);
    });

    it('bill every token of a longer request, output and cache reads too, at the long-context prices', () => {
      expect(costUsd(tiered, 200_001, 1_000, 100_000)).toBeCloseTo(
        (100_001 * 4 + 100_000 * 0.4 + 1_000 * 18) / 1e6,
        15,
      );
    });

    it('charge cache writes of a long request at the long-context input price when none is given', () => {
      expect(costUsd(tiered, 300_000, 0, 0, 50_000)).toBeCloseTo((250_000 * 4 + 50_000 * 4) / 1e6, 15);
    });
  });
});
