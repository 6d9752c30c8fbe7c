import { describe, expect, it } from 'vitest';
import { catalogModels, findCatalogModel, registerCatalogModels, resolveModels } from './catalog.js';

describe('catalog', () => {
  it('offers the Gemini models under kind google, with their cached-input price', () => {
    const ids = catalogModels('google').map((model) => model.id);
    expect(ids).toEqual(
      expect.arrayContaining(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite']),
    );
    expect(findCatalogModel('gemini-2.5-flash')).toMatchObject({
      inputUsdPerMTok: 0.3,
      outputUsdPerMTok: 2.5,
      cachedInputUsdPerMTok: 0.03,
      contextWindow: 1_048_576,
    });
  });

  it('takes models of a kind it has never heard of, by registration', () => {
    expect(resolveModels('acme-ai', undefined)).toEqual([]);
    const spec = {
      id: 'acme-1',
      capability: 5,
      inputUsdPerMTok: 1,
      outputUsdPerMTok: 2,
      contextWindow: 8192,
    };
    registerCatalogModels([{ kind: 'acme-ai', spec, priceAsOf: '2026-12', source: 'test' }]);
    expect(resolveModels('acme-ai', undefined)).toEqual([spec]);
    expect(resolveModels('acme-ai', ['acme-1'])).toEqual([spec]);
    registerCatalogModels([
      { kind: 'acme-ai', spec: { ...spec, capability: 6 }, priceAsOf: '2026-12', source: 'test' },
    ]);
    expect(catalogModels('acme-ai')).toEqual([{ ...spec, capability: 6 }]);
  });
});
