import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import type { Clock } from '../clock.js';
import { type FailureClass, isBreakerFailure } from '../failure.js';

export type BreakerOptions = {
  /** Failures (percent of calls in the rolling window) above which the circuit opens. Default 50. */
  errorThresholdPercentage: number;
  /** Calls in the window before the percentage counts. Default 5. */
  volumeThreshold: number;
  /** How long an open circuit refuses calls before letting one probe through. Default 30 000. */
  resetTimeoutMs: number;
  /** The rolling window the percentage is taken over, in `buckets` steps. Default 10 000 in 10. */
  rollingWindowMs: number;
  buckets: number;
};

export const BREAKER_DEFAULTS: BreakerOptions = {
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 30_000,
  rollingWindowMs: 10_000,
  buckets: 10,
};

export type CircuitState = 'closed' | 'open' | 'half-open';

/** One admitted call's slot in the breaker: settle it exactly once with the call's outcome. */
export type BreakerPermit = { succeed(): void; fail(failure: FailureClass): void };

// opossum starts a real timer for its own reset; we never let it fire (the clock decides), so give it the
// longest delay Node accepts. It is unref'd and cleared when the breaker closes or is replaced.
const NEVER_MS = 2_147_483_647;
const noop = () => {};
const EMPTY: unknown[] = [];
// opossum's action: a promise the slot settles when the call it stands for has its outcome.
const pending = (slot: Slot) =>
  new Promise((resolve, reject) => {
    slot.resolve = resolve;
    slot.reject = reject;
  });
// 429s, caller faults and aborts say nothing about the provider's health: they count as successes.
const errorFilter = (error: { failure?: FailureClass }) =>
  error?.failure === undefined || !isBreakerFailure(error.failure);

/**
 * An opossum circuit breaker for one provider+model, driven by an injected clock.
 *
 * opossum keeps the rolling counts, the threshold rule and the closed / open / half-open state machine.
 * Time is ours: its rolling buckets rotate from a controller we tick when the clock says a bucket has
 * passed (checked on every use, no interval), and the open → half-open step happens when `state(now)`
 * sees `resetTimeoutMs` has passed since the circuit opened: we replace the open breaker by one
 * created half-open, which lets exactly one probe through. The router owns deadlines: `timeout: false`.
 *
 * A call admitted while the circuit is closed is only reported to opossum when it ends: a success (or a
 * failure the breaker ignores) as opossum's own `fire` and `success` events, which is all its counts
 * are made of; a breaker failure through `fire`, so opossum's rule decides whether to open. That saves
 * the promises of `fire` on every successful call (about 30 µs between HTTP calls). A half-open probe
 * goes through `fire` when it is admitted, since opossum lets only one through.
 */
export class ModelBreaker {
  readonly #options: BreakerOptions;
  readonly #onChange: (state: CircuitState) => void;
  readonly #clock: Clock;
  readonly #bucketMs: number;
  #rotate = new EventEmitter();
  #rotatedAt: number;
  #breaker: CircuitBreaker;
  #openedAt = 0;

  constructor(options: BreakerOptions, clock: Clock, onChange: (state: CircuitState) => void) {
    this.#options = options;
    this.#clock = clock;
    this.#onChange = onChange;
    this.#bucketMs = options.rollingWindowMs / options.buckets;
    this.#rotatedAt = clock.now();
    this.#breaker = this.#create(false);
  }

  /** The state as of `now`, moving open → half-open when the reset time has passed. */
  state(now: number): CircuitState {
    this.#tick(now);
    const breaker = this.#breaker;
    if (breaker.closed) return 'closed';
    if (breaker.halfOpen) return 'half-open';
    if (now - this.#openedAt < this.#options.resetTimeoutMs) return 'open';
    this.#breaker.shutdown();
    this.#breaker = this.#create(true);
    this.#onChange('half-open');
    return 'half-open';
  }

  /** When an open circuit lets a probe through; 0 when not open. */
  reopensAt(): number {
    return this.#breaker.opened ? this.#openedAt + this.#options.resetTimeoutMs : 0;
  }

  /** A slot for one call, or undefined when the circuit refuses (open, or half-open with its probe out). */
  acquire(now: number): Slot | undefined {
    const state = this.state(now);
    if (state === 'open' || (state === 'half-open' && !this.#breaker.pendingClose)) return undefined;
    const slot = new Slot(this, this.#breaker);
    if (state === 'half-open') this.#fire(slot);
    return slot;
  }

  /**
   * A call ended. A probe settles its `fire`; a closed-circuit call counts in the breaker it was admitted
   * by, if that is still the current one.
   */
  // `admittedBy` is typed `object` so the published .d.ts names no opossum type (its types are a dev
  // dependency); it is only compared with the current breaker.
  settle(slot: Slot, admittedBy: object, failure: FailureClass | undefined): void {
    this.#tick(this.#clock.now());
    if (slot.fired) {
      if (failure === undefined) slot.resolve();
      else slot.reject({ failure });
      return;
    }
    if (admittedBy !== this.#breaker) return;
    const breaker = this.#breaker;
    if (failure === undefined || !isBreakerFailure(failure)) {
      breaker.emit('fire', EMPTY);
      breaker.emit('success', undefined, 0);
      return;
    }
    this.#fire(slot);
    slot.reject({ failure });
  }

  #fire(slot: Slot): void {
    slot.fired = true;
    this.#breaker.fire(slot).catch(noop);
  }

  /**
   * Gives a slot back without an outcome (the caller aborted). A half-open probe that never answered
   * proved nothing, so the circuit stays half-open and lets the next probe through.
   */
  abandon(permit: BreakerPermit): void {
    if (!this.#breaker.halfOpen) {
      permit.succeed();
      return;
    }
    this.#breaker.shutdown();
    this.#breaker = this.#create(true);
  }

  close(): void {
    this.#breaker.shutdown();
  }

  #create(halfOpen: boolean): CircuitBreaker {
    this.#rotate = new EventEmitter();
    const breaker = new CircuitBreaker(pending, {
      timeout: false,
      resetTimeout: NEVER_MS,
      errorThresholdPercentage: this.#options.errorThresholdPercentage,
      volumeThreshold: this.#options.volumeThreshold,
      rollingCountTimeout: this.#options.rollingWindowMs,
      rollingCountBuckets: this.#options.buckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      rotateBucketController: this.#rotate,
      errorFilter,
      ...(halfOpen ? { state: { closed: false, halfOpen: true } } : {}),
    } as CircuitBreaker.Options);
    breaker.on('open', () => {
      this.#openedAt = this.#clock.now();
      this.#onChange('open');
    });
    breaker.on('close', () => this.#onChange('closed'));
    return breaker;
  }

  /** Rotates opossum's rolling buckets for every bucket length that passed since the last rotation. */
  #tick(now: number): void {
    const passed = Math.floor((now - this.#rotatedAt) / this.#bucketMs);
    if (passed <= 0) return;
    this.#rotatedAt += passed * this.#bucketMs;
    for (let i = Math.min(passed, this.#options.buckets); i > 0; i--) this.#rotate.emit('rotate');
  }
}

/**
 * One admitted call's place in opossum (a class, not closures: one is made per call). `abandon` gives
 * it back without an outcome.
 */
export class Slot implements BreakerPermit {
  resolve: (value?: unknown) => void = noop;
  reject: (reason: { failure: FailureClass }) => void = noop;
  /** Went through opossum's `fire` (a half-open probe, or a failure being counted). */
  fired = false;
  readonly #breaker: ModelBreaker;
  readonly #admittedBy: object;

  constructor(breaker: ModelBreaker, admittedBy: object) {
    this.#breaker = breaker;
    this.#admittedBy = admittedBy;
  }

  succeed(): void {
    this.#breaker.settle(this, this.#admittedBy, undefined);
  }

  fail(failure: FailureClass): void {
    this.#breaker.settle(this, this.#admittedBy, failure);
  }

  abandon(): void {
    this.#breaker.abandon(this);
  }
}
