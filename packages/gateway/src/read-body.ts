import type { IncomingMessage } from 'node:http';

/** The body was larger than the gateway accepts; nothing more is read. */
export class BodyTooLarge extends Error {}

/** Set by `readBody` while it reads: stops the read and rejects it with `reason`. */
export type BodyRead = { cancel?: ((reason: unknown) => void) | undefined };

/**
 * Reads a request body up to `limit` bytes. A declared or actual size over the limit rejects with
 * BodyTooLarge as soon as it is known, without buffering the rest. `read.cancel` (the request's
 * deadline, or the client gone) rejects it, so a body that never ends cannot hold the request open.
 * A plain callback rather than an abort listener: adding and removing one on every request's signal
 * costs microseconds.
 */
export function readBody(request: IncomingMessage, limit: number, read: BodyRead): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
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
    const cleanup = () => {
      read.cancel = undefined;
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    read.cancel = (reason) => {
      cleanup();
      request.pause();
      reject(reason);
    };
  });
}
