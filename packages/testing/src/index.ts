export { FakeClock } from './fake-clock.js';
export type {
  ScriptedAdapter,
  ScriptedAdapterOptions,
  ScriptedCall,
  ScriptStep,
} from './scripted-adapter.js';
export { scriptedAdapter } from './scripted-adapter.js';
