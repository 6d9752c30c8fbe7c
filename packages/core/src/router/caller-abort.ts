/**
 * One abort listener per caller signal, fanned out to every request waiting on it.
 *
 * A caller may share one AbortSignal across any number of concurrent requests (`batch` does). If each
 * attempt, wait and sleep added its own listener, the eleventh would make Node print "Possible
 * EventTarget memory leak detected" although nothing leaks. So the router listens once per signal and
 * keeps its own subscribers; the listener goes as soon as the last subscriber leaves.
 */

type Entry = { subscribers: Set<() => void>; listener: () => void };

// Keyed weakly: a signal nobody holds any more takes its entry with it.
const entries = new WeakMap<AbortSignal, Entry>();

/**
 * Calls `onAbort` once when `signal` aborts. Same contract as
 * `addEventListener('abort', onAbort, { once: true })`: nothing for a signal that has already
 * aborted, and one callback added twice is one subscriber.
 */
export function addCallerAbort(signal: AbortSignal, onAbort: () => void): void {
  if (signal.aborted) return;
  let entry = entries.get(signal);
  if (!entry) {
    const created: Entry = { subscribers: new Set(), listener: () => fire(signal, created) };
    entry = created;
    entries.set(signal, entry);
    signal.addEventListener('abort', entry.listener, { once: true });
  }
  entry.subscribers.add(onAbort);
}

/** Undoes `addCallerAbort`; the signal's listener goes with its last subscriber. */
export function removeCallerAbort(signal: AbortSignal, onAbort: () => void): void {
  const entry = entries.get(signal);
  if (!entry?.subscribers.delete(onAbort) || entry.subscribers.size > 0) return;
  entries.delete(signal);
  signal.removeEventListener('abort', entry.listener);
}

/** How many router subscribers wait on `signal` (0 once none does): for tests and leak checks. */
export function callerAbortSubscribers(signal: AbortSignal): number {
  return entries.get(signal)?.subscribers.size ?? 0;
}

function fire(signal: AbortSignal, entry: Entry): void {
  const { subscribers } = entry;
  let failure: { error: unknown } | undefined;
  // A subscriber may remove others while it runs: like removed event listeners, they are not called.
  for (const subscriber of [...subscribers]) {
    if (!subscribers.delete(subscriber)) continue;
    try {
      subscriber();
    } catch (error) {
      // Every subscriber still runs; the first error surfaces as a throwing listener's would.
      failure ??= { error };
    }
  }
  entries.delete(signal);
  if (failure) throw failure.error;
}
