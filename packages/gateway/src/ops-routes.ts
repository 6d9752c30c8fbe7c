import type { IncomingMessage, ServerResponse } from 'node:http';
import { DASHBOARD_PAGE } from './dashboard-page.js';
import type { ResolvedOptions } from './gateway-options.js';
import { StatusTracker } from './gateway-status.js';
import { PrometheusMetrics } from './prometheus-metrics.js';
import { KeyRing, presentedKey } from './virtual-keys.js';

type Liveness = () => { draining: boolean; inFlight: number };

/** The routes for operators and load balancers: health, readiness, metrics, status and dashboard. */
export class OpsRoutes {
  readonly #liveness: Liveness;
  readonly #status: StatusTracker | undefined;
  readonly #metrics: PrometheusMetrics | undefined;
  /** With `adminKeys`: what `/metrics`, `/status` and `/dashboard` require. */
  readonly #admin: KeyRing | undefined;

  constructor(options: ResolvedOptions, liveness: Liveness) {
    this.#liveness = liveness;
    if (options.adminKeys !== undefined && options.adminKeys.length > 0)
      this.#admin = new KeyRing(options.adminKeys, 'adminKeys');
    if (options.dashboard !== false) this.#status = new StatusTracker(options.router, options.clock);
    if (options.metrics !== false) this.#metrics = new PrometheusMetrics(options.router);
  }

  /** A stream was cut because its client stopped reading: counted in `/metrics`. */
  writeTimedOut(): void {
    this.#metrics?.writeTimedOut();
  }

  serve(path: string, request: IncomingMessage, res: ServerResponse): boolean {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const { draining, inFlight } = this.#liveness();
      return json(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ready', inFlight });
    }
    const enabled =
      path === '/metrics'
        ? this.#metrics
        : path === '/status' || path === '/dashboard'
          ? this.#status
          : undefined;
    if (!enabled) return false;
    if (this.#admin && !this.#admitted(path, request, res)) return true;
    if (path === '/metrics' && this.#metrics) {
      this.#metrics.serve(request, res);
      return true;
    }
    if (path === '/status' && this.#status) return json(res, 200, this.#status.snapshot(this.#liveness()));
    if (path === '/dashboard' && this.#status) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(DASHBOARD_PAGE),
        'cache-control': 'no-store',
        // The page loads nothing from elsewhere: forbid it outright.
        'content-security-policy':
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      });
      res.end(DASHBOARD_PAGE);
      return true;
    }
    return false;
  }

  /**
   * An admin key as `Authorization: Bearer`, `x-api-key` or the cookie `/dashboard?key=…` set. The
   * query form answers with a redirect that drops the key from the address bar and history.
   */
  #admitted(path: string, request: IncomingMessage, res: ServerResponse): boolean {
    const admin = this.#admin as KeyRing;
    if (admin.match(presentedKey(request.headers)) || admin.match(cookieKey(request.headers.cookie)))
      return true;
    const query = request.url?.includes('?')
      ? new URLSearchParams(request.url.slice(request.url.indexOf('?')))
      : undefined;
    const fromQuery = query?.get('key') ?? undefined;
    if (path === '/dashboard' && fromQuery !== undefined && admin.match(fromQuery)) {
      res.writeHead(303, {
        location: '/dashboard',
        'set-cookie': `${COOKIE}=${encodeURIComponent(fromQuery)}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      });
      res.end();
      return false;
    }
    json(res, 401, { error: { message: 'This endpoint needs an admin key', type: 'authentication_error' } });
    return false;
  }

  async close(): Promise<void> {
    this.#status?.close();
    await this.#metrics?.close();
  }
}

function json(res: ServerResponse, status: number, value: unknown): true {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
  return true;
}

const COOKIE = 'spillway_admin';

function cookieKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === COOKIE) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
