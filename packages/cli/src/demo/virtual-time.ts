import {
  type AdapterCall,
  type AdapterStreamEvent,
  abortReason,
  type Clock,
  type ProviderAdapter,
  type TimerHandle,
} from '@spillway/core';

type Timer = { id: number; at: number; seq: number; callback: () => void };

/**
 * Simulated time that moves only when nothing real is happening, so the same seed gives the same run.
 *
 * Run on real (even scaled) time, the demo depended on how fast the machine answered: which requests
 * fell into which minute window, which ones a simulator's fault draws hit, in what order 24
 * concurrent HTTP calls arrived. Here the router, the simulators' limits and the demo share this
 * clock. Provider calls go over HTTP one at a time, in the order they were made (`lockstep`), while
 * time stands still; each is then held for a simulated latency (`lockstepAdapter`). The clock fires
 * its next timer only once no call is in flight, so every run makes the same moves in the same
 * order. `scale` paces the run for people watching: simulated time runs at most `scale` times faster
 * than real time.
 */
export class VirtualClock implements Clock {
  #now: number;
  readonly #timers = new Map<number, Timer>();
  #nextId = 1;
  #seq = 0;
  #busy = 0;
  #whenIdle: Array<() => void> = [];
  #queue: Promise<void> = Promise.resolve();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#timers.set(id, { id, at: this.#now + delay, seq: this.#seq++, callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle && typeof handle === 'object' && 'id' in handle)
      this.#timers.delete((handle as { id: number }).id);
  }

  /** Runs `work` (real I/O) once every call made before it has finished; time stands still meanwhile. */
  lockstep<T>(work: () => Promise<T>): Promise<T> {
    this.#busy++;
    let release!: () => void;
    const previous = this.#queue;
    this.#queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    const finish = () => {
      release();
      if (--this.#busy === 0) for (const wake of this.#whenIdle.splice(0)) wake();
    };
    return previous.then(work).then(
      (value) => {
        finish();
        return value;
      },
      (error: unknown) => {
        finish();
        throw error;
      },
    );
  }

  /** Waits `ms` of simulated time; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.clearTimeout(timer);
        reject(abortReason(signal));
      };
      const timer = this.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Drives time until `work` settles: whenever nothing real is in flight, waits (scaled) real time up
   * to the next timer and fires it. Resolves or rejects like `work`.
   */
  async run<T>(work: Promise<T>, scale: number): Promise<T> {
    let settled = false;
    const watched = work.finally(() => {
      settled = true;
    });
    watched.catch(() => {});
    while (!settled) {
      await this.#idle();
      if (settled) break;
      const timer = this.#earliest();
      if (!timer) {
        // Nothing to fire and nothing in flight: something real the clock does not see; let it run.
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const realMs = (timer.at - this.#now) / scale;
      if (realMs >= 1) await new Promise((resolve) => setTimeout(resolve, realMs));
      // A call may have started while we waited (an event from outside the clock): look again.
      if (this.#busy > 0 || this.#earliest() !== timer) continue;
      this.#timers.delete(timer.id);
      this.#now = Math.max(this.#now, timer.at);
      timer.callback();
    }
    return watched;
  }

  /** Resolves once no call is in flight and the promise chains that follow have run. */
  async #idle(): Promise<void> {
    for (let calm = 0; calm < 3; ) {
      if (this.#busy > 0) {
        await new Promise<void>((resolve) => this.#whenIdle.push(resolve));
        calm = 0;
      }
      await new Promise((resolve) => setImmediate(resolve));
      calm = this.#busy === 0 ? calm + 1 : 0;
    }
  }

  #earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.#timers.values())
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    return best;
  }
}

/** How long a call takes in simulated time: `ok(call)` for an answer, `failedMs` for an error. */
export type SimulatedLatency = { ok: (call: AdapterCall) => number; failedMs: number };

/**
 * The adapter with every call run in lockstep on `clock`, then held for its simulated latency, so
 * calls overlap in simulated time as they would for real. A stream is read whole in its turn and
 * replayed to the router afterwards.
 */
export function lockstepAdapter(
  adapter: ProviderAdapter,
  clock: VirtualClock,
  latency: SimulatedLatency,
): ProviderAdapter {
  const settle = async <T>(call: AdapterCall, work: () => Promise<T>): Promise<T> => {
    let value: T;
    try {
      value = await clock.lockstep(() => {
        if (call.signal.aborted) throw abortReason(call.signal);
        return work();
      });
    } catch (error) {
      await clock.sleep(latency.failedMs, call.signal);
      throw error;
    }
    await clock.sleep(latency.ok(call), call.signal);
    return value;
  };
  return {
    specificationVersion: adapter.specificationVersion,
    name: adapter.name,
    kind: adapter.kind,
    models: adapter.models,
    ...(adapter.limits ? { limits: adapter.limits } : {}),
    doGenerate: (call) => settle(call, () => adapter.doGenerate(call)),
    doStream: (call) =>
      settle(call, async () => {
        const stream = await adapter.doStream(call);
        const events: AdapterStreamEvent[] = [];
        for await (const event of stream.events) events.push(event);
        return { ...stream, events: replay(events) };
      }),
    ...(adapter.close ? { close: () => (adapter.close as () => Promise<void> | void)() } : {}),
  };
}

async function* replay<T>(events: T[]): AsyncGenerator<T> {
  yield* events;
}
