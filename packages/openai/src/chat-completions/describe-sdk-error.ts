import type { ErrorFacts } from './map-error.js';
import type { WireErrorBody } from './wire-types.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes both Stainless SDKs (`openai`, `groq-sdk`) export under the same names. */
export type SdkErrorClasses = {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIUserAbortError: ErrorClass;
};

type ApiErrorShape = { status?: unknown; headers?: unknown; error?: unknown; message: string };

/**
 * Reads an error thrown by an SDK call or while iterating its stream. Returns 'abort' when the
 * caller's signal ended it (the adapter rethrows the signal's reason instead of classifying).
 */
export function describeSdkError(
  error: unknown,
  sdk: SdkErrorClasses,
  signal: AbortSignal,
  midStream: boolean,
): ErrorFacts | 'abort' {
  if (signal.aborted || error instanceof sdk.APIUserAbortError) return 'abort';
  if (error instanceof sdk.APIConnectionTimeoutError) return { kind: 'timeout', message: error.message };
  if (error instanceof sdk.APIConnectionError) {
    return { kind: midStream ? 'cut' : 'connection', message: error.message };
  }
  if (error instanceof sdk.APIError) {
    const apiError = error as unknown as ApiErrorShape;
    const status = typeof apiError.status === 'number' ? apiError.status : undefined;
    const headers = apiError.headers instanceof Headers ? apiError.headers : undefined;
    const body = innerBody(apiError.error);
    return {
      kind: status === undefined ? 'in-band' : 'status',
      ...(status !== undefined ? { status } : {}),
      ...(headers ? { headers } : {}),
      ...(body ? { body } : {}),
      message: apiError.message,
    };
  }
  if (error instanceof SyntaxError)
    return { kind: 'malformed', message: `malformed response: ${error.message}` };
  const message = error instanceof Error ? error.message : String(error);
  // Anything else is the transport failing under us (undici: "terminated", "other side closed").
  return midStream
    ? { kind: 'cut', message: `the connection dropped mid-stream (${message})` }
    : { kind: 'connection', message };
}

// openai puts the inner `{ message, type, code }` on `error.error`; groq-sdk puts the whole body there.
function innerBody(value: unknown): WireErrorBody | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const nested = (value as { error?: unknown }).error;
  if (typeof nested === 'object' && nested !== null) return nested as WireErrorBody;
  return value as WireErrorBody;
}
