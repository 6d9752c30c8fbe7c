import { NoSuchModelError, type ProviderV3 } from '@ai-sdk/provider';
import type { SpillwaySettings } from './convert-options.js';
import { SpillwayLanguageModel, type SpillwayRouter } from './spillway-language-model.js';

export type SpillwayProviderOptions = {
  /** The provider name the AI SDK reports (telemetry, errors). Default 'spillway'. */
  name?: string;
  /** Settings every model handle starts from; a handle's own settings override them. */
  defaults?: SpillwaySettings;
};

/** `'auto'` (the router ranks every model) or a model id the router offers. */
export type SpillwayModelId = 'auto' | (string & {});

export interface SpillwayProvider extends ProviderV3 {
  (modelId: SpillwayModelId, settings?: SpillwaySettings): SpillwayLanguageModel;
  languageModel(modelId: SpillwayModelId, settings?: SpillwaySettings): SpillwayLanguageModel;
}

/**
 * The router as an AI SDK provider: `spillway('auto', { minCapability: 6 })` or
 * `spillway('gpt-5.4-mini')` is a `LanguageModelV3` for `generateText`, `streamText`,
 * `generateObject` and tools, with the router's ranking, limits and fallback behind it.
 */
export function createSpillway(
  router: SpillwayRouter,
  options: SpillwayProviderOptions = {},
): SpillwayProvider {
  const name = options.name ?? 'spillway';
  const languageModel = (modelId: SpillwayModelId, settings: SpillwaySettings = {}) => {
    if (typeof modelId !== 'string' || modelId === '') {
      throw new NoSuchModelError({ modelId: String(modelId), modelType: 'languageModel' });
    }
    return new SpillwayLanguageModel(name, modelId, router, { ...options.defaults, ...settings });
  };
  const provider = (modelId: SpillwayModelId, settings?: SpillwaySettings) =>
    languageModel(modelId, settings);
  provider.specificationVersion = 'v3' as const;
  provider.languageModel = languageModel;
  provider.embeddingModel = (modelId: string) => {
    throw new NoSuchModelError({ modelId, modelType: 'embeddingModel' });
  };
  provider.imageModel = (modelId: string) => {
    throw new NoSuchModelError({ modelId, modelType: 'imageModel' });
  };
  return provider;
}
