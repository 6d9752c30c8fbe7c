import type { ServerResponse } from 'node:http';
import type { ApiReply, Clock, EventFrames } from '@spillway/core';

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

/** How long a blocked write may wait for the client to drain, and what happens when it does not. */
export type WriteWatch = {
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  timeoutMs: number;
  /** Called before the connection is destroyed. */
  onTimeout: () => void;
};

/**
 * Writes an event stream to the client, frame by frame, honouring backpressure: no next frame is read
 * while a write waits, and a client that does not drain within `watch.timeoutMs` has its connection
 * destroyed. Resolves `true` when the stream ended normally, `false` when the client went away or was
 * cut (the stream is cancelled); rejects when the stream failed with an error that is not the router's.
 */
export async function pipeFrames(
  frames: EventFrames,
  res: ServerResponse,
  watch: WriteWatch,
): Promise<boolean> {
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
      if (!res.write(frame)) await drained(res, watch);
    }
    if (gone()) return false;
    res.end();
    return true;
  } finally {
    res.off('close', onClose);
  }
}

// The timer runs only while a write is blocked, so a client that keeps up costs no timer.
function drained(res: ServerResponse, watch: WriteWatch): Promise<void> {
  return new Promise((resolve) => {
    const timer = watch.clock.setTimeout(() => {
      watch.onTimeout();
      // 'close' follows: it settles this wait and cancels the frames, which closes the upstream call.
      res.destroy();
    }, watch.timeoutMs);
    const done = () => {
      watch.clock.clearTimeout(timer);
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
