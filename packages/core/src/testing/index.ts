// @spillway/core/testing: test doubles for code built on the router (a manual clock, a scripted
// provider), so resilience can be tested on fake time without a network. @spillway/testing
// re-exports them next to the simulated providers.
export { FakeClock } from './fake-clock.js';
export type { RouterErrorSampleName } from './router-error-samples.js';
export { routerErrorSamples } from './router-error-samples.js';
export type {
  ScriptedAdapter,
  ScriptedAdapterOptions,
  ScriptedCall,
  ScriptStep,
} from './scripted-adapter.js';
export { scriptedAdapter } from './scripted-adapter.js';
