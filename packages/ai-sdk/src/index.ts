export type { SpillwaySettings } from './convert-options.js';
export type { SpillwayRouter } from './spillway-language-model.js';
export { SpillwayLanguageModel } from './spillway-language-model.js';
export type { SpillwayModelId, SpillwayProvider, SpillwayProviderOptions } from './spillway-provider.js';
export { createSpillway } from './spillway-provider.js';
