import { type Clock, ConfigError, type ModelAlias, type Router } from '@spillway/core';
import type { AccessLogEntry } from './access-log.js';
import type { VirtualKey } from './virtual-keys.js';

/** What the gateway needs of a router: `createRouter()`'s result. */
export type GatewayRouter = Pick<Router, 'chat' | 'stream' | 'stats' | 'on'>;

export type GatewayOptions = {
  router: GatewayRouter;
  /** Default 0: any free port (read it from `url`). */
  port?: number;
  /** Default `127.0.0.1`. Use `0.0.0.0` to serve other machines. */
  host?: string;
  /** Virtual keys clients present; without any, every request is refused unless `allowAnonymous`. */
  keys?: readonly VirtualKey[];
  /** Serve requests that carry no key (a key that is sent must still match). Default false. */
  allowAnonymous?: boolean;
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
  /** A model id the router does not offer: `'error'` (default, 404) or `'auto'` (route it as auto). */
  unknownModel?: 'error' | 'auto';
  /** Largest request body accepted, in bytes; larger ones get 413. Default 8 MiB. */
  maxBodyBytes?: number;
  /**
   * The deadline of a request, from its arrival: a non-streamed one must be answered whole by then
   * (else the client's own 504 timeout error, and the provider call is aborted), a stream must have
   * started (its first content). A started stream that goes quiet is ended by the router's
   * `stallTimeoutMs` with an in-band error. A body still arriving at the deadline gets 408. Default 300 000 ms.
   */
  requestTimeoutMs?: number;
  /**
   * How long a stream may wait on a client that stops reading (its socket's buffers are full and it
   * does not drain): then the gateway destroys the connection and closes the router stream, which
   * aborts the provider call and frees its slot. Only runs while a write is blocked. Default 30 000 ms.
   */
  writeTimeoutMs?: number;
  /** On `close()`, how long requests in flight may take to finish before they are cut. Default 30 000 ms. */
  drainTimeoutMs?: number;
  /**
   * Keys (`{ key }` or `{ sha256 }`, as `keys`) that `/metrics`, `/status` and `/dashboard` then
   * require, as `Authorization: Bearer`, `x-api-key`, or once as `/dashboard?key=…` (a cookie keeps
   * it). Without any, those routes are open. `/healthz` and `/readyz` are always open.
   */
  adminKeys?: readonly VirtualKey[];
  /** `GET /metrics`: the router's telemetry metrics in Prometheus text. Default true. */
  metrics?: boolean;
  /** `GET /status` (JSON) and `GET /dashboard` (a live page polling it). Default true. */
  dashboard?: boolean;
  /**
   * The router's clock when you gave it one: `/status` reports cooldowns on it and, when it has
   * timers (a `Clock`), request deadlines run on it. Default: the system clock.
   */
  clock?: Pick<Clock, 'now'> & Partial<Pick<Clock, 'setTimeout' | 'clearTimeout'>>;
  /** One structured entry per request (no prompt or answer text, no key): `true` writes JSON lines to stdout. */
  accessLog?: boolean | ((entry: AccessLogEntry) => void);
};

export type ResolvedOptions = Required<
  Pick<
    GatewayOptions,
    | 'port'
    | 'host'
    | 'allowAnonymous'
    | 'maxBodyBytes'
    | 'requestTimeoutMs'
    | 'writeTimeoutMs'
    | 'drainTimeoutMs'
  >
> &
  GatewayOptions;

export function resolveOptions(options: GatewayOptions): ResolvedOptions {
  if (!options || typeof options !== 'object')
    throw new ConfigError('startGateway: options must be an object');
  const router = options.router as Partial<GatewayRouter> | undefined;
  if (!router || typeof router.chat !== 'function' || typeof router.stats !== 'function')
    throw new ConfigError('router must be a router from createRouter()', { field: 'router' });
  for (const field of ['maxBodyBytes', 'requestTimeoutMs', 'writeTimeoutMs', 'drainTimeoutMs'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0))
      throw new ConfigError(`${field} must be a positive number, got ${JSON.stringify(value)}`, { field });
  }
  if (
    options.port !== undefined &&
    (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535)
  )
    throw new ConfigError(`port must be a whole number from 0 to 65535, got ${options.port}`, {
      field: 'port',
    });
  if (options.keys !== undefined && !Array.isArray(options.keys))
    throw new ConfigError('keys must be an array of { key } or { sha256 }', { field: 'keys' });
  if (options.adminKeys !== undefined && !Array.isArray(options.adminKeys))
    throw new ConfigError('adminKeys must be an array of { key } or { sha256 }', { field: 'adminKeys' });
  return {
    ...options,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    allowAnonymous: options.allowAnonymous ?? false,
    maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
    requestTimeoutMs: options.requestTimeoutMs ?? 300_000,
    writeTimeoutMs: options.writeTimeoutMs ?? 30_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
  };
}
