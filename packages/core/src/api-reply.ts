/**
 * One answer of a drop-in translation (OpenAI's or Anthropic's API), before any HTTP stack: the router
 * fetch wraps it in a web `Response`, the gateway writes it straight to a node `ServerResponse`. The
 * mapping code builds it once for both.
 */
export type ApiReply = {
  status: number;
  headers: Record<string, string>;
  /** The JSON text, or the event stream's frames. */
  body: string | EventFrames;
};

/**
 * A server-sent event stream, one frame (`data: …\n\n`, or with `event:`) per `next()`, `undefined`
 * at its end. A router failure after content is already framed in-band by the translation; `next()`
 * rejects only for errors that are not the router's. `cancel()` stops the stream underneath.
 */
export type EventFrames = {
  next(): Promise<string | undefined>;
  cancel(): Promise<void>;
};

const encoder = new TextEncoder();

/** The reply as a web `Response` (for `fetch`-taking clients). */
export function replyResponse(reply: ApiReply): Response {
  const { body } = reply;
  if (typeof body === 'string') return new Response(body, { status: reply.status, headers: reply.headers });
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Each pull must enqueue or close: a pull that does neither is not called again.
      const frame = await body.next();
      if (frame === undefined) controller.close();
      else controller.enqueue(encoder.encode(frame));
    },
    cancel: () => body.cancel(),
  });
  return new Response(stream, { status: reply.status, headers: reply.headers });
}

/** `{ status, JSON body }` with the content type and any extra headers. */
export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): ApiReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}
