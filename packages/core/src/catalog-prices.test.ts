import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { catalog } from './catalog.js';
import { costUsd } from './pricing.js';

// Catalog models the maintained price list does not have yet: priced by hand, with their source.
const HAND_PRICED = new Set(['groq/qwen/qwen3.6-27b']);
// Below every long-context threshold, so the standard prices apply.
const TOKENS = 100_000;

/** USD per million tokens of one kind of token, as the price list charges it. */
function perMTok(kind: string, id: string, usage: Record<string, number>): number | undefined {
  const result = calcPrice(usage, id, { providerId: kind });
  return result ? Number(((result.total_price * 1e6) / TOKENS).toPrecision(12)) : undefined;
}

describe('catalog prices', () => {
  // Bumping @pydantic/genai-prices in core's devDependencies and running this test shows every
  // catalog price that moved (decision 1600).
  it.each(catalog.filter((item) => !HAND_PRICED.has(`${item.kind}/${item.spec.id}`)))(
    '$kind $spec.id matches @pydantic/genai-prices',
    ({ kind, spec }) => {
      const input = perMTok(kind, spec.id, { input_tokens: TOKENS });
      expect(input, `${kind}/${spec.id} is not in the price list`).toBeDefined();
      expect({
        input: spec.inputUsdPerMTok,
        output: spec.outputUsdPerMTok,
        cachedInput: spec.cachedInputUsdPerMTok,
        cacheWrite: spec.cacheWriteUsdPerMTok,
      }).toEqual({
        input,
        output: perMTok(kind, spec.id, { output_tokens: TOKENS }),
        cachedInput: perMTok(kind, spec.id, { input_tokens: TOKENS, cache_read_tokens: TOKENS }),
        cacheWrite: perMTok(kind, spec.id, { input_tokens: TOKENS, cache_write_tokens: TOKENS }),
      });
    },
  );

  // The same list prices whole requests at the prompt lengths where tiers change: just below and just
  // above each long-context threshold, and at the full context window (which finds a tier we lack).
  it.each(catalog.filter((item) => !HAND_PRICED.has(`${item.kind}/${item.spec.id}`)))(
    '$kind $spec.id bills long prompts as @pydantic/genai-prices does',
    ({ kind, spec }) => {
      const threshold = spec.longContext?.aboveInputTokens;
      const lengths = [spec.contextWindow, ...(threshold === undefined ? [] : [threshold, threshold + 1])];
      for (const input of lengths) {
        const part = Math.floor(input / 4);
        const listed = (usage: Record<string, number>) =>
          calcPrice(usage, spec.id, { providerId: kind })?.total_price;
        const cases: Array<[string, number, number | undefined]> = [
          ['input', costUsd(spec, input, 0), listed({ input_tokens: input })],
          ['output', costUsd(spec, input, 10_000), listed({ input_tokens: input, output_tokens: 10_000 })],
          [
            'cache read',
            costUsd(spec, input, 0, part),
            listed({ input_tokens: input, cache_read_tokens: part }),
          ],
          [
            'cache write',
            costUsd(spec, input, 0, 0, part),
            listed({ input_tokens: input, cache_write_tokens: part }),
          ],
        ];
        for (const [what, ours, theirs] of cases) {
          expect(ours, `${kind}/${spec.id}: ${what} at ${input} prompt tokens`).toBeCloseTo(
            theirs ?? Number.NaN,
            9,
          );
        }
      }
    },
  );

  it("prices Anthropic's 1-hour cache writes at twice the input price, and nobody else's apart", () => {
    for (const { kind, spec } of catalog) {
      if (kind === 'anthropic') expect(spec.cacheWrite1hUsdPerMTok, spec.id).toBe(spec.inputUsdPerMTok * 2);
      else expect(spec.cacheWrite1hUsdPerMTok, spec.id).toBeUndefined();
    }
  });

  it('every entry has cached and cache-write prices, a date and a source', () => {
    for (const { spec, priceAsOf, source } of catalog) {
      expect(spec.cachedInputUsdPerMTok, spec.id).toBeGreaterThanOrEqual(0);
      expect(spec.cacheWriteUsdPerMTok, spec.id).toBeGreaterThanOrEqual(0);
      expect(priceAsOf).toMatch(/^\d{4}-\d{2}/);
      expect(source).not.toBe('');
    }
  });
});
