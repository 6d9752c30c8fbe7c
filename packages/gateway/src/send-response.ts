import type { ServerResponse } from 'node:http';

/** Copies a fetch Response's status and headers onto the node response. */
export function writeHead(response: Response, res: ServerResponse): boolean {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  const streaming = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  if (streaming) {
    // Proxies must pass each event on as it comes.
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-accel-buffering', 'no');
  }
  return streaming;
}

/** Sends a whole (non-streamed) body with its length, so the connection stays reusable. */
export async function sendWhole(response: Response, res: ServerResponse): Promise<void> {
  const text = await response.text();
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Pipes an event stream to the client, event by event, honouring backpressure. Resolves `true` when
 * the stream ended normally, `false` when the client went away; rejects when the body errored.
 */
export async function pipeStream(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<boolean> {
  res.flushHeaders();
  const reader = body.getReader();
  const gone = () => res.destroyed || res.writableEnded;
  const onClose = () => {
    reader.cancel().catch(() => {});
  };
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (gone()) return false;
      if (!res.write(value)) await drained(res);
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
