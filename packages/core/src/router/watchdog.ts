import type { Clock, TimerHandle } from '../clock.js';

/**
 * Fires when the router has been waiting on upstream past a due time. It keeps at most one clock
 * timer, re-armed lazily when it fires early, so a stream of many chunks costs no timer churn.
 */
export class Watchdog {
  readonly #clock: Clock;
  readonly #onFire: () => void;
  #due = Infinity;
  #waiting = false;
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;
  #fired = false;

  constructor(clock: Clock, onFire: () => void) {
    this.#clock = clock;
    this.#onFire = onFire;
  }

  get fired(): boolean {
    return this.#fired;
  }

  /** Starts waiting: fire unless `rest` is called before `due` (clock ms). */
  expect(due: number): void {
    this.#due = due;
    this.#waiting = true;
    if (this.#timer !== undefined && this.#timerAt <= due) return;
    this.#schedule();
  }

  /** Stops waiting (the awaited chunk arrived). The timer, if any, is left to lapse. */
  rest(): void {
    this.#waiting = false;
  }

  dispose(): void {
    this.#waiting = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    const now = this.#clock.now();
    this.#timerAt = this.#due;
    this.#timer = this.#clock.setTimeout(() => this.#check(), Math.max(0, this.#due - now));
  }

  #check(): void {
    this.#timer = undefined;
    if (!this.#waiting) return;
    if (this.#clock.now() >= this.#due) {
      this.#fired = true;
      this.#waiting = false;
      this.#onFire();
    } else this.#schedule();
  }
}
