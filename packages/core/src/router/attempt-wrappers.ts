import { ConfigError } from '../errors.js';
import type { Logger } from './options.js';

/** The attempt an adapter call belongs to, as an attempt wrapper sees it. */
export type AttemptScope = {
  readonly requestId: string;
  /** 1 for the request's first attempt (the same number as `attempt-start`). */
  readonly attempt: number;
  readonly provider: string;
  readonly model: string;
};

/**
 * Runs one adapter call (`doGenerate`, `doStream`, or one read of a stream) and returns what it
 * returns, e.g. inside a tracer's context so the spans an HTTP client makes nest under the attempt.
 */
export type AttemptWrapper = <T>(scope: AttemptScope, call: () => T) => T;

/**
 * The wrappers `router.wrapAttempts` registered, composed into one (`current`, undefined when there
 * are none, so an unwrapped router pays one property read per call). A wrapper is instrumentation:
 * if it throws or never calls `call`, the call still runs (once) and the fault is logged, never
 * counted against the provider.
 */
export class AttemptWrappers {
  #list: AttemptWrapper[] = [];
  current: AttemptWrapper | undefined;
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  add(wrapper: AttemptWrapper): () => void {
    if (typeof wrapper !== 'function')
      throw new ConfigError('router.wrapAttempts(wrapper): wrapper must be a function', {
        field: 'wrapper',
      });
    this.#list = [...this.#list, wrapper];
    this.#compose();
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.#list = this.#list.filter((item) => item !== wrapper);
      this.#compose();
    };
  }

  #compose(): void {
    // The first registered is the outermost.
    let composed: AttemptWrapper | undefined;
    for (let index = this.#list.length - 1; index >= 0; index--) {
      const wrapper = this.#list[index] as AttemptWrapper;
      const inner = composed;
      composed = inner
        ? (scope, call) => guarded(wrapper, scope, () => inner(scope, call), this.#logger)
        : (scope, call) => guarded(wrapper, scope, call, this.#logger);
    }
    this.current = composed;
  }
}

const NOT_RUN = Symbol('not run');

function guarded<T>(wrapper: AttemptWrapper, scope: AttemptScope, call: () => T, logger: Logger): T {
  let value: T | typeof NOT_RUN = NOT_RUN;
  let failed = false;
  let failure: unknown;
  const once = (): T => {
    if (value !== NOT_RUN || failed) throw new Error('an attempt wrapper called the adapter call twice');
    try {
      value = call();
      return value;
    } catch (error) {
      failed = true;
      failure = error;
      throw error;
    }
  };
  try {
    wrapper(scope, once);
  } catch (error) {
    // The call's own failure is the attempt's; anything else is the wrapper's fault.
    if (!failed)
      logger.error('an attempt wrapper threw; the call goes on', {
        error: error instanceof Error ? error.message : String(error),
      });
  }
  if (failed) throw failure;
  if (value !== NOT_RUN) return value;
  logger.error('an attempt wrapper did not run the call; it runs unwrapped', { requestId: scope.requestId });
  return call();
}
