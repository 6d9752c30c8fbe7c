// The conformance suites: `import { runAdapterConformance, runStoreConformance } from
// '@spillway/testing/conformance'` inside a vitest test file. Kept off the main entry so that entry
// never imports vitest.
export { asProviderError, drain, exposedText, failureOf, makeCall } from './conformance-helpers.js';
export type {
  AdapterConformanceOptions,
  ConformanceCase,
  ConformanceProtocol,
  SimulatedProvider,
} from './run-adapter-conformance.js';
export { CONFORMANCE_LIMITS, runAdapterConformance } from './run-adapter-conformance.js';
export type { StoreCase, StoreConformanceOptions, StoreUnderTest } from './run-store-conformance.js';
export { runStoreConformance } from './run-store-conformance.js';
