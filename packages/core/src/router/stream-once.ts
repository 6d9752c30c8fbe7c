/** Every RouterStream is read once; a second iteration is the caller's mistake. */
export function iteratedTwice(): TypeError {
  return new TypeError(
    'a router stream can be iterated only once (awaiting its result before iterating consumes it)',
  );
}

/** Reads a stream nobody iterates to its end, so its result can settle; a failure is that result's rejection. */
export function drainInBackground(source: AsyncGenerator<unknown, void>): void {
  void (async () => {
    try {
      while (!(await source.next()).done);
    } catch {
      // The error is the result's rejection.
    }
  })();
}
