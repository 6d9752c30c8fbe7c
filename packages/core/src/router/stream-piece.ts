import { ProviderError } from '../errors.js';
import type { AdapterCall, AdapterStream, AdapterStreamEvent, ProviderAdapter } from '../spec.js';
import type { FinishReason, Message, RateLimitSnapshot, Usage } from '../types.js';
import type { RequestRun } from './request-run.js';
import type { Turn } from './turn.js';
import { Watchdog } from './watchdog.js';

const openStream = (adapter: ProviderAdapter, call: AdapterCall) => adapter.doStream(call);
const read = (source: AsyncIterator<AdapterStreamEvent>) => source.next();

/**
 * One attempt's upstream stream: opened by the stream attempt, read on by the delivery once content
 * began. Its watchdog fires `timeout` when no content arrives within the first-token time, and
 * `stall` when, after content, no chunk arrives for the stall time (only while we wait on upstream).
 */
export class StreamPiece {
  readonly turn: Turn;
  readonly #run: RequestRun;
  readonly #watchdog: Watchdog;
  readonly #stallMs: number;
  #iterator: AsyncIterator<AdapterStreamEvent> | undefined;
  #opened: AdapterStream | undefined;
  #completed = false;
  /** This piece has delivered content: from now on a break interrupts the answer. */
  content = false;
  /** The text this piece delivered (for its estimated usage when the provider reports none). */
  text = '';
  /** The first content event, read by the attempt and handed to the delivery. */
  first: AdapterStreamEvent | undefined;
  finishReason: FinishReason | undefined;
  usage: Usage | undefined;

  constructor(run: RequestRun, turn: Turn, firstTokenMs: number, stallMs: number) {
    this.#run = run;
    this.turn = turn;
    this.#stallMs = stallMs;
    const { candidate } = turn;
    this.#watchdog = new Watchdog(run.state.watchdogs, () => {
      const failure = this.content ? 'stall' : 'timeout';
      const message = this.content ? `no chunk for ${stallMs} ms` : `no content within ${firstTokenMs} ms`;
      turn.abort(
        new ProviderError(message, { failure, provider: candidate.provider, model: candidate.model }),
      );
    });
    this.#watchdog.expect(turn.startedAt + firstTokenMs);
  }

  get requestId(): string | undefined {
    return this.#opened?.requestId;
  }

  get rateLimit(): RateLimitSnapshot | undefined {
    return this.#opened?.rateLimit;
  }

  async open(messages: Message[]): Promise<void> {
    const { candidate } = this.turn;
    const call = this.#run.adapterCall(this.turn, messages);
    this.#opened = await this.turn.race(() =>
      this.#run.invoke(this.turn, openStream, candidate.adapter, call),
    );
    // The piece, not its snapshot: the gate reads the headers only while the model learns its limits.
    this.#run.state.gate.opened?.(candidate, this.#run.now, this);
    this.#iterator = this.#opened.events[Symbol.asyncIterator]();
  }

  /** The next upstream event; an end without the finish event is a `stream_cut`. */
  async next(): Promise<AdapterStreamEvent> {
    const source = this.#iterator as AsyncIterator<AdapterStreamEvent>;
    if (this.content) this.#watchdog.expect(this.#run.now + this.#stallMs);
    const next = await this.turn.race(() => this.#run.invoke(this.turn, read, source, undefined));
    if (this.content) this.#watchdog.rest();
    if (next.done) {
      const { provider, model } = this.turn.candidate;
      throw new ProviderError('the stream ended without its finish event', {
        failure: 'stream_cut',
        provider,
        model,
      });
    }
    return next.value;
  }

  /** Content reached the caller: the first-token watch ends, the stall watch begins with the next read. */
  began(): void {
    this.content = true;
    this.#watchdog.rest();
  }

  /** The finish event arrived: closing will not abort the call. */
  completed(): void {
    this.#completed = true;
  }

  /** Releases everything: timers, the signal's hooks, the upstream call (aborted unless it finished). */
  close(): void {
    this.#watchdog.dispose();
    // Aborted before it is disposed: once disposed, its signal may serve another attempt.
    if (!this.#completed) this.turn.abort(closedError());
    this.turn.dispose();
    const iterator = this.#iterator;
    if (!iterator) return;
    // Lets the adapter's iterator clean up (the HTTP request is already aborted unless it finished).
    try {
      const returned = iterator.return?.();
      if (returned) Promise.resolve(returned).catch(() => {});
    } catch {
      // The adapter's iterator is done with or without us.
    }
  }
}

export function closedError(message = 'The router closed the stream'): Error {
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}
