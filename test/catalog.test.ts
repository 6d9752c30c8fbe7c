import { catalog, catalogModels, findCatalogModel, resolveModels } from '@spillway/core';
import { describe, expect, it } from 'vitest';

describe('model catalog', () => {
  it('has sane, sourced entries for every provider kind', () => {
    for (const kind of ['openai', 'anthropic', 'groq', 'google'] as const)
      expect(catalogModels(kind).length).toBeGreaterThan(0);
    const ids = new Set<string>();
    for (const item of catalog) {
      expect(ids.has(item.spec.id), `duplicate ${item.spec.id}`).toBe(false);
      ids.add(item.spec.id);
      expect(item.spec.capability).toBeGreaterThanOrEqual(1);
      expect(item.spec.capability).toBeLessThanOrEqual(10);
      expect(item.spec.inputUsdPerMTok).toBeGreaterThan(0);
      expect(item.spec.outputUsdPerMTok).toBeGreaterThanOrEqual(item.spec.inputUsdPerMTok);
      expect(item.spec.contextWindow).toBeGreaterThan(item.spec.maxOutputTokens ?? 0);
      expect(item.priceAsOf).toMatch(/^\d{4}-\d{2}/);
      expect(item.source.length).toBeGreaterThan(10);
    }
  });

  it('resolves a provider models option', () => {
    expect(resolveModels('openai', undefined).map((m) => m.id)).toContain('gpt-5.4-mini');
    expect(resolveModels('openai', ['gpt-5.4-nano'])[0]).toEqual(findCatalogModel('gpt-5.4-nano'));
    const custom = resolveModels('openai-compatible', [
      { id: 'llama-local', capability: 3, inputUsdPerMTok: 0, outputUsdPerMTok: 0, contextWindow: 8192 },
    ]);
    expect(custom[0]?.id).toBe('llama-local');
    expect(() => resolveModels('openai', ['no-such-model'])).toThrow(
      /models\[0\]: unknown model "no-such-model"/,
    );
    const overridden = resolveModels('anthropic', [{ id: 'claude-haiku-4-5', limits: { rpm: 5 } }]);
    expect(overridden[0]?.inputUsdPerMTok).toBe(1);
    expect(overridden[0]?.limits?.rpm).toBe(5);
  });
});
