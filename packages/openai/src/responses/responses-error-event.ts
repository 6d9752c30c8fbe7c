import type { RouterError } from '@spillway/core';
import { errorBody } from '../drop-in/to-error-response.js';

/**
 * The `error` event that ends a Responses stream which broke after content. It carries OpenAI's
 * event fields (`code`, `message`, `param`) and the `error` object the `openai` SDK throws from while
 * iterating, so a cut stream is an error to every reader, never a short answer.
 */
export function responsesErrorEvent(error: RouterError, sequenceNumber: number) {
  const body = errorBody(error).error;
  return {
    type: 'error' as const,
    code: body.code ?? body.type,
    message: body.message,
    param: body.param,
    sequence_number: sequenceNumber,
    error: body,
  };
}
