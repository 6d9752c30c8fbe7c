export type { ResponsesParamsOptions } from './from-responses-params.js';
export { fromResponsesParams } from './from-responses-params.js';
export { responsesErrorEvent } from './responses-error-event.js';
export type { ResponsesOutcome, ResponsesRouter, ServeResponsesOptions } from './serve-responses.js';
export { serveResponses } from './serve-responses.js';
export { toResponse } from './to-response.js';
export { toResponseEvents } from './to-response-events.js';
