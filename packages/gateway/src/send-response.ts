import type { ServerResponse } from 'node:http';
import type { ApiReply, EventFrames } from '@spillway/core';

/** Writes a translation's reply: a whole body with its length (the connection stays reusable), or an event stream. */
export function writeReply(reply: ApiReply, res: ServerResponse): EventFrames | undefined {
  const { body } = reply;
  if (typeof body === 'string') {
    const headers: Record<string, string | number> = reply.headers;
    headers['content-length'] = Buffer.byteLength(body);
    res.writeHead(reply.status, headers);
    res.end(body);
    return undefined;
  }
  // Proxies must pass each event on as it comes.
  res.writeHead(reply.status, { ...reply.headers, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  return body;
}

/**
 * Writes an event stream to the client, frame by frame, honouring backpressure. Resolves `true` when
 * the stream ended normally, `false` when the client went away (the stream is cancelled); rejects when
 * the stream failed with an error that is not the router's.
 */
export async function pipeFrames(frames: EventFrames, res: ServerResponse): Promise<boolean> {
  const gone = () => res.destroyed || res.writableEnded;
  const onClose = () => {
    frames.cancel().catch(() => {});
  };
  res.once('close', onClose);
  try {
    for (;;) {
      const frame = await frames.next();
      if (frame === undefined) break;
      if (gone()) return false;
      if (!res.write(frame)) await drained(res);
    }
    if (gone()) return false;
    res.end();
    return true;
  } finally {
    res.off('close', onClose);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
