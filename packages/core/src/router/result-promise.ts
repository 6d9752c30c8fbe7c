/**
 * The promise behind `stream.result`. It settles when the stream is consumed; so that awaiting it
 * without iterating never hangs, the first `then` (which `await` calls) tells the stream, which
 * drains itself if nobody is iterating it. It never reports an unhandled rejection when nobody
 * awaits it.
 */
export class ResultPromise<T> extends Promise<T> {
  static override get [Symbol.species]() {
    return Promise;
  }

  #onObserved: (() => void) | undefined;

  static create<T>(onObserved: () => void): {
    promise: ResultPromise<T>;
    resolve: (value: T) => void;
    reject: (error: unknown) => void;
  } {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new ResultPromise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.#onObserved = onObserved;
    // Marks the rejection as handled without counting as the caller observing it.
    Promise.prototype.then.call(promise, undefined, () => {});
    return { promise, resolve, reject };
  }

  // biome-ignore lint/suspicious/noThenProperty: this is a Promise subclass; `then` is the point.
  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const hook = this.#onObserved;
    this.#onObserved = undefined;
    hook?.();
    return super.then(onFulfilled, onRejected);
  }
}
