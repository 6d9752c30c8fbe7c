export type { BatchOptions, BatchProgress, BatchRouter, BatchSummary } from './batch/run-batch.js';
export { runBatch } from './batch/run-batch.js';
export type { CliConfig, ProviderConfig, ProviderKind } from './config.js';
export { loadConfig, validateConfig } from './config.js';
export type { ProviderFactoryOptions, ProviderKindEntry } from './provider-kinds.js';
export { registerProviderKind } from './provider-kinds.js';
export type { ProviderSet, SimulateOptions } from './providers.js';
export { liveProviders, SIMULATED_CONFIG, simulatedProviders } from './providers.js';
export { scaledClock } from './scaled-clock.js';
