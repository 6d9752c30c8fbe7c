import type { Clock, TimerHandle } from '../clock.js';

/**
 * The one clock timer behind every stream watchdog of a router. A timer per stream cost ~2.5 µs of
 * each stream's first token (set and clear, decision 1712); streams share this one, armed for the
 * earliest due time among those waiting and re-armed lazily when it fires early. While no watchdog
 * exists it is unref'd (system clock) or cleared (clocks whose handles cannot be unref'd), so it never
 * holds a process open.
 */
export class WatchdogTimer {
  readonly clock: Clock;
  readonly #watchdogs = new Set<Watchdog>();
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;
  #held = false;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** `watchdog` waits until `due`: make sure the timer fires by then. */
  watch(watchdog: Watchdog, due: number): void {
    this.#watchdogs.add(watchdog);
    if (this.#timer !== undefined && this.#timerAt <= due) {
      if (!this.#held) this.#hold(true);
      return;
    }
    this.#schedule(due);
  }

  forget(watchdog: Watchdog): void {
    if (!this.#watchdogs.delete(watchdog) || this.#watchdogs.size > 0 || this.#timer === undefined) return;
    const timer = this.#timer as { unref?: () => void };
    if (typeof timer.unref === 'function') this.#hold(false);
    else {
      this.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAt = Infinity;
    }
  }

  #hold(held: boolean): void {
    const timer = this.#timer as { ref?: () => void; unref?: () => void };
    if (held) timer.ref?.();
    else timer.unref?.();
    this.#held = held;
  }

  #schedule(due: number): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timerAt = due;
    this.#held = true;
    this.#timer = this.clock.setTimeout(() => this.#fire(), Math.max(0, due - this.clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.clock.now();
    let next = Infinity;
    for (const watchdog of this.#watchdogs) {
      const due = watchdog.dueIfWaiting;
      if (due <= now) watchdog.fire();
      else if (due < next) next = due;
    }
    if (next !== Infinity) this.#schedule(next);
  }
}

/**
 * Fires when the router has been waiting on upstream past a due time. Re-arming for every chunk of a
 * stream costs two field writes: the shared timer only moves when a due time comes before it.
 */
export class Watchdog {
  readonly #timer: WatchdogTimer;
  readonly #onFire: () => void;
  #due = Infinity;
  #waiting = false;
  #fired = false;
  #watched = false;

  constructor(timer: WatchdogTimer, onFire: () => void) {
    this.#timer = timer;
    this.#onFire = onFire;
  }

  get fired(): boolean {
    return this.#fired;
  }

  /** The due time while waiting, Infinity while resting. */
  get dueIfWaiting(): number {
    return this.#waiting ? this.#due : Infinity;
  }

  /** Starts waiting: fire unless `rest` is called before `due` (clock ms). */
  expect(due: number): void {
    this.#due = due;
    this.#waiting = true;
    this.#watched = true;
    this.#timer.watch(this, due);
  }

  /** Stops waiting (the awaited chunk arrived). */
  rest(): void {
    this.#waiting = false;
  }

  dispose(): void {
    this.#waiting = false;
    if (this.#watched) this.#timer.forget(this);
    this.#watched = false;
  }

  /** Called by the shared timer once the due time has passed while waiting. */
  fire(): void {
    if (!this.#waiting) return;
    this.#fired = true;
    this.#waiting = false;
    this.#onFire();
  }
}
