import type { Cluster, Redis } from 'ioredis';

export type StoreLogger = { warn(message: string, fields?: Record<string, unknown>): void };
export type DegradedEvent = { type: 'degraded'; reason: string };
export type RecoveredEvent = { type: 'recovered'; degradedForMs: number };
export type HealthListeners = {
  degraded: Set<(event: DegradedEvent) => void>;
  recovered: Set<(event: RecoveredEvent) => void>;
};

type HealthOptions = {
  probeIntervalMs: number;
  connectTimeoutMs: number;
  logger?: StoreLogger;
  onDegraded?: (event: DegradedEvent) => void;
  onRecovered?: (event: RecoveredEvent) => void;
};

/**
 * Whether the store may use Redis right now. Any failed command (refused, reset, timed out) degrades the
 * store to its local fallback, announced once; while degraded one call per `probeIntervalMs` tries Redis
 * again (at once after the client reconnects), and the first success recovers. Nothing here runs on a
 * timer: it is checked on each call, with the wall clock (the router's clock may be a fake one).
 */
export class RedisHealth {
  readonly listeners: HealthListeners = { degraded: new Set(), recovered: new Set() };
  degraded = false;
  #client: Redis | Cluster;
  #options: HealthOptions;
  #retryAt = 0;
  #degradedAt = 0;
  #startup: Promise<void> | undefined;

  constructor(client: Redis | Cluster, options: HealthOptions) {
    this.#client = client;
    this.#options = options;
    client.on('ready', this.#onReady);
    if (client.status !== 'ready') this.#startup = this.#firstConnection();
  }

  #onReady = () => {
    this.#retryAt = 0;
  };

  /** Stops listening to the client (which may outlive the store). */
  dispose(): void {
    this.#client.off('ready', this.#onReady);
  }

  /** While the first connection is being made: a promise to await so the first calls are shared too. */
  get startup(): Promise<void> | undefined {
    return this.#startup;
  }

  canTry(): boolean {
    const status = this.#client.status;
    if (status !== 'ready') {
      if (!this.degraded && this.#startup === undefined) this.failed(`Redis connection is ${status}`);
      return false;
    }
    return !this.degraded || performance.now() >= this.#retryAt;
  }

  succeeded(): void {
    if (!this.degraded) return;
    this.degraded = false;
    const event: RecoveredEvent = {
      type: 'recovered',
      degradedForMs: Math.round(performance.now() - this.#degradedAt),
    };
    this.#options.logger?.warn('Spillway redis store recovered: limits are shared again', { ...event });
    notify(this.#options.onRecovered, this.listeners.recovered, event);
  }

  failed(reason: string): void {
    this.#retryAt = performance.now() + this.#options.probeIntervalMs;
    if (this.degraded) return;
    this.degraded = true;
    this.#degradedAt = performance.now();
    const event: DegradedEvent = { type: 'degraded', reason };
    this.#options.logger?.warn(
      'Spillway redis store degraded: using per-process limits until Redis answers',
      {
        ...event,
      },
    );
    notify(this.#options.onDegraded, this.listeners.degraded, event);
  }

  #firstConnection(): Promise<void> {
    const client = this.#client;
    if (client.status === 'wait') client.connect().catch(() => {});
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('ready', done);
        client.off('error', done);
        client.off('end', done);
        this.#startup = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.#options.connectTimeoutMs);
      client.once('ready', done);
      client.once('error', done);
      client.once('end', done);
    });
  }
}

function notify<E>(
  callback: ((event: E) => void) | undefined,
  listeners: Set<(event: E) => void>,
  event: E,
): void {
  // A listener that throws must not break the request that noticed the outage.
  for (const listener of callback ? [callback, ...listeners] : listeners) {
    try {
      listener(event);
    } catch {}
  }
}
