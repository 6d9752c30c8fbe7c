import type { ServerResponse } from 'node:http';
import type { SimLatency, SimScriptStep } from './types.js';
import type { StreamFrames } from './wire.js';

/** Timers and hanging responses a server must clean up on close. */
export type Pending = { timers: Set<NodeJS.Timeout> };

function later(pending: Pending, response: ServerResponse, ms: number, run: () => void): void {
  if (!(ms > 0)) {
    run();
    return;
  }
  const timer = setTimeout(() => {
    pending.timers.delete(timer);
    if (!response.destroyed) run();
  }, ms);
  pending.timers.add(timer);
}

/** Sends a whole JSON answer after the modelled latency, or one of the non-streaming faults. */
export function sendJson(
  response: ServerResponse,
  headers: Record<string, string>,
  body: string,
  outputTokens: number,
  latency: SimLatency,
  step: SimScriptStep,
  pending: Pending,
): void {
  const delay =
    (latency.ttftMs ?? 0) + (latency.tokensPerSecond ? (outputTokens * 1000) / latency.tokensPerSecond : 0);
  later(pending, response, delay, () => {
    const outcome = step.outcome;
    if (outcome === 'ok') {
      response.writeHead(200, headers).end(body);
      return;
    }
    // Mid-body faults on a non-streamed answer: part of the JSON, then hang, end or drop.
    const part = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
    response.writeHead(200, headers);
    if (outcome === 'stallMidStream') response.write(part);
    else if (outcome === 'cutMidStream') response.end(part);
    else if (outcome === 'dropMidStream') response.write(part, () => response.socket?.destroy());
    else response.end(body);
  });
}

/** Streams frames at the modelled pace; stall, cut, drop and in-band error faults stop it part way. */
export function sendStream(
  response: ServerResponse,
  headers: Record<string, string>,
  frames: StreamFrames,
  latency: SimLatency,
  step: SimScriptStep,
  inbandError: string,
  pending: Pending,
): void {
  response.writeHead(200, headers);
  const outcome = step.outcome;
  const faulty =
    outcome === 'stallMidStream' ||
    outcome === 'cutMidStream' ||
    outcome === 'dropMidStream' ||
    outcome === 'inbandError';
  const contentCount = faulty
    ? Math.min(frames.content.length, step.afterChunks ?? Math.max(1, Math.floor(frames.content.length / 2)))
    : frames.content.length;
  const finish = () => {
    if (!faulty) response.end(frames.tail.join(''));
    else if (outcome === 'cutMidStream') response.end();
    else if (outcome === 'inbandError') response.end(inbandError);
    else if (outcome === 'dropMidStream') response.socket?.destroy();
    // stallMidStream: nothing more is ever sent; the client's watchdog or close() ends it.
  };
  const gap = latency.tokensPerSecond ? 1000 / latency.tokensPerSecond : 0;
  later(pending, response, latency.ttftMs ?? 0, () => {
    if (gap === 0) {
      if (!faulty) {
        response.end(frames.head.join('') + frames.content.join('') + frames.tail.join(''));
        return;
      }
      const text = frames.head.join('') + frames.content.slice(0, contentCount).join('');
      if (outcome === 'dropMidStream') response.write(text, finish);
      else {
        response.write(text);
        finish();
      }
      return;
    }
    response.write(frames.head.join(''));
    let index = 0;
    const step = () => {
      if (index >= contentCount) {
        finish();
        return;
      }
      response.write(frames.content[index++]!);
      later(pending, response, gap, step);
    };
    step();
  });
}
