import { describe, expect, it } from 'vitest';
import { mapUsage } from './map-usage.js';

describe('mapUsage', () => {
  it('counts cache writes and reads as input (Anthropic leaves them out), and reports each apart', () => {
    expect(
      mapUsage({
        input_tokens: 10,
        output_tokens: 5,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 1000,
      }),
    ).toEqual({
      inputTokens: 1110,
      outputTokens: 5,
      totalTokens: 1115,
      cachedInputTokens: 1000,
      cacheWriteInputTokens: 100,
    });
  });

  it('reports the 1-hour part of the cache writes apart (priced at its own rate)', () => {
    const usage = {
      input_tokens: 10,
      output_tokens: 5,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
    };
    expect(mapUsage(usage)).toEqual({
      inputTokens: 310,
      outputTokens: 5,
      totalTokens: 315,
      cacheWriteInputTokens: 300,
      cacheWrite1hInputTokens: 200,
    });
    // Only 5-minute writes: no 1-hour count at all.
    expect(
      mapUsage({
        ...usage,
        cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 0 },
      }),
    ).not.toHaveProperty('cacheWrite1hInputTokens');
  });

  it('reports thinking tokens as reasoning tokens, still counted in the output', () => {
    expect(
      mapUsage({ input_tokens: 4, output_tokens: 50, output_tokens_details: { thinking_tokens: 30 } }),
    ).toEqual({ inputTokens: 4, outputTokens: 50, totalTokens: 54, reasoningTokens: 30 });
  });

  it('treats null and missing fields as zero and omits cachedInputTokens without cache reads', () => {
    expect(mapUsage({ input_tokens: 3, output_tokens: 1, cache_read_input_tokens: null })).toEqual({
      inputTokens: 3,
      outputTokens: 1,
      totalTokens: 4,
    });
    expect(mapUsage(undefined)).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
  });
});
