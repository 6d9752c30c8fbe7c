// @spillway/core/internal: plumbing shared between @spillway/* packages (the drop-in clients' routing
// info, the router's gate seam). Not a public API: it may change in any release, without notice.
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
