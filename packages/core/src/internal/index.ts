// @spillway/core/internal: plumbing shared between @spillway/* packages (the drop-in clients' routing
// info, the router's gate seam) and the resilience parts the benchmarks time on their own. Not a
// public API: it may change in any release, without notice.

export type { ApiReply, EventFrames } from '../api-reply.js';
export { jsonReply, replyResponse } from '../api-reply.js';
export { resolveTenant, withTenant } from '../drop-in-tenant.js';
// Timed alone by test/bench (admission, bottleneck).
export { BREAKER_DEFAULTS, ModelBreaker } from '../resilience/model-breaker.js';
export { WaitQueue } from '../resilience/wait-queue.js';
export type {
  Admission,
  CandidateGate,
  GateContext,
  GateFactory,
  GateRequest,
  GateState,
  Outcome,
} from '../router/candidate-gate.js';
export { buildRouter } from '../router/router.js';
export {
  attachRoutingInfo,
  attachRoutingInfoLater,
  attemptsOf,
  errorRoutingInfo,
  finalFailure,
  RoutingInfoStore,
  resultRoutingInfo,
} from '../routing-info.js';
export type { ToolCallStep } from '../streamed-tool-calls.js';
export { argumentsText, StreamedToolCalls } from '../streamed-tool-calls.js';
