import type { ErrorFacts } from './map-error.js';
import type { WireErrorBody } from './wire-types.js';

// What JSON.stringify throws on a request body it cannot encode (V8's wording).
const UNENCODABLE = /circular structure|serialize a BigInt/i;

type ErrorShape = { status?: unknown; headers?: unknown; error?: unknown; message?: unknown; name?: unknown };

/**
 * The name of a Stainless SDK error class (`APIConnectionTimeoutError`, …). Read from the instance, not
 * checked with `instanceof`: a client the user passes may come from the other (CJS/ESM) copy of the
 * SDK, or another Stainless SDK (groq-sdk), whose classes are different objects with the same names.
 */
function sdkErrorName(error: ErrorShape): string {
  const own = typeof error.name === 'string' ? error.name : '';
  if (own && own !== 'Error') return own;
  const constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof constructorName === 'string' ? constructorName : own;
}

/**
 * Reads an error thrown by an SDK call or while iterating its stream, by its status and body. Returns
 * 'abort' when the caller's signal ended it (the adapter rethrows the signal's reason instead).
 */
export function describeSdkError(
  error: unknown,
  signal: AbortSignal,
  midStream: boolean,
): ErrorFacts | 'abort' {
  if (signal.aborted) return 'abort';
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  const name = sdkErrorName(shape);
  if (name === 'APIUserAbortError') return 'abort';
  if (name === 'APIConnectionTimeoutError') return { kind: 'timeout', message };
  if (!midStream && error instanceof TypeError && UNENCODABLE.test(message))
    return { kind: 'unsendable', message: `the request cannot be encoded as JSON (${message})` };
  if (error instanceof SyntaxError) return { kind: 'malformed', message: `malformed response: ${message}` };
  const status = typeof shape.status === 'number' ? shape.status : undefined;
  const body = innerBody(shape.error);
  // An SDK API error without a status is an error object that came inside a 200 stream.
  const inBand = status === undefined && body !== undefined && name !== 'APIConnectionError';
  if (status !== undefined || inBand) {
    const headers = shape.headers instanceof Headers ? shape.headers : undefined;
    return {
      kind: inBand ? 'in-band' : 'status',
      ...(status !== undefined ? { status } : {}),
      ...(headers ? { headers } : {}),
      ...(body ? { body } : {}),
      message,
    };
  }
  // The SDK's connection errors, and the transport failing under us (undici: "terminated", "other side closed").
  if (midStream) return { kind: 'cut', message: `the connection dropped mid-stream (${message})` };
  return { kind: 'connection', message };
}

// openai puts the inner `{ message, type, code }` on `error.error`; groq-sdk puts the whole body there.
function innerBody(value: unknown): WireErrorBody | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const nested = (value as { error?: unknown }).error;
  if (typeof nested === 'object' && nested !== null) return nested as WireErrorBody;
  return value as WireErrorBody;
}
