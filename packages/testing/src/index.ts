// FakeClock and the scripted adapter live in @spillway/core/testing; re-exported here so one import
// gives a test everything.
export type {
  ScriptedAdapter,
  ScriptedAdapterOptions,
  ScriptedCall,
  ScriptStep,
} from '@spillway/core/testing';
export { FakeClock, scriptedAdapter } from '@spillway/core/testing';
export type { CacheUse, PromptCacheOptions, PromptParts } from './sim/prompt-cache.js';
export type { Denial, Metering, RateLimiter } from './sim/rate-limiter.js';
export type { ChatRequest as SimChatRequest, ReplyPlan } from './sim/reply-plan.js';
export type { SimStats } from './sim/sim-stats.js';
export type { SimulatedProvider } from './sim/start-simulated-provider.js';
export { startSimulatedProvider } from './sim/start-simulated-provider.js';
export type {
  SimFaults,
  SimLatency,
  SimLimits,
  SimModel,
  SimOutcome,
  SimProtocol,
  SimScriptStep,
  SimulatedProviderOptions,
} from './sim/types.js';
export type { ResponseIds, SimError, StreamFrames, Wire } from './sim/wire.js';
export { SIM_PROTOCOLS } from './sim/wires.js';
