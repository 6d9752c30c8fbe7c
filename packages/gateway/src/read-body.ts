import type { IncomingMessage } from 'node:http';

/** The body was larger than the gateway accepts; nothing more is read. */
export class BodyTooLarge extends Error {}

/**
 * Reads a request body up to `limit` bytes. A declared or actual size over the limit rejects with
 * BodyTooLarge as soon as it is known, without buffering the rest. An abort of `signal` (the
 * request's deadline, or the client gone) rejects with its reason, so a body that never ends cannot
 * hold the request open.
 */
export function readBody(request: IncomingMessage, limit: number, signal: AbortSignal): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        request.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(
        chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      );
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAbort = () => {
      cleanup();
      request.pause();
      reject(signal.reason);
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
