import type { RateLimitSnapshot } from '../types.js';

/** The router's `learning` option, resolved: how many calls may be in flight to a model whose limits are unknown. */
export type LearningOptions = {
  /** Calls in flight to a model before its first answer (the slow start), and the window's start. */
  initialInFlight: number;
  /** The most calls in flight to a model whose request limit no answer has stated. */
  maxInFlight: number;
};

export const LEARNING_DEFAULTS: LearningOptions = { initialInFlight: 2, maxInFlight: 8 };

const MINUTE_MS = 60_000;

/**
 * Whether an answer states a request limit that paces calls: a per-minute (or shorter) request window.
 * Groq's request headers count per day, so they do not: its per-minute limit shows only in a 429's message.
 */
export function statesRequestLimit(snapshot: RateLimitSnapshot | undefined): boolean {
  const requests = snapshot?.requests;
  return requests?.limit !== undefined && requests.limit > 0 && (requests.windowMs ?? MINUTE_MS) <= MINUTE_MS;
}

/**
 * How many calls may be in flight to one model whose limits were not configured, in this process.
 *
 * - `probe`: until the provider first answers, `initialInFlight` calls (a slow start), so a cold burst
 *   does not land on a provider before its headers say what it allows.
 * - `open`: an answer stated the request limit (OpenAI's and Anthropic's headers, Groq's and Gemini's
 *   429 messages). The learned budget in the store paces calls from then on; no window here.
 * - `window`: answers came without a request limit (Groq's headers, Gemini's lack of any, a provider
 *   that sends none). AIMD: the window grows by 1/window per success while calls were held back by it
 *   (about one more call per round trip), up to `maxInFlight`, and halves on a 429 from a call sent
 *   since the last halving (the calls already in flight when the first 429 came do not halve it again).
 *   A 429's Retry-After still cools the model down as for any model.
 */
export class LearningWindow {
  readonly #options: LearningOptions;
  #phase: 'probe' | 'window' | 'open' = 'probe';
  #window: number;
  /** A call was held back by the window since it last grew: it is the limit, so it may grow. */
  #held = false;
  /** Counts halvings; a call remembers the epoch it was sent in. */
  #epoch = 0;

  constructor(options: LearningOptions) {
    this.#options = options;
    this.#window = options.initialInFlight;
  }

  get phase(): 'probe' | 'window' | 'open' {
    return this.#phase;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** How many calls may be in flight now. */
  limit(): number {
    if (this.#phase === 'open') return Number.POSITIVE_INFINITY;
    if (this.#phase === 'probe') return this.#options.initialInFlight;
    return Math.floor(this.#window);
  }

  /** A call was refused because `limit()` calls were in flight. */
  held(): void {
    this.#held = true;
  }

  /** The provider answered (a reply, an error, or a stream's headers), with these headers or none. */
  answered(snapshot: RateLimitSnapshot | undefined): void {
    if (this.#phase === 'open') return;
    if (statesRequestLimit(snapshot)) this.#phase = 'open';
    else if (this.#phase === 'probe') this.#phase = 'window';
  }

  /** A call succeeded (after `answered`). */
  succeeded(): void {
    if (this.#phase !== 'window' || !this.#held) return;
    this.#held = false;
    this.#window = Math.min(this.#options.maxInFlight, this.#window + 1 / this.#window);
  }

  /** A call sent in epoch `sentIn` was refused with a 429 (after `answered`). */
  rateLimited(sentIn: number): void {
    if (this.#phase !== 'window' || sentIn !== this.#epoch) return;
    this.#epoch++;
    this.#window = Math.max(1, this.#window / 2);
  }
}
