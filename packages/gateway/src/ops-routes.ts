import type { IncomingMessage, ServerResponse } from 'node:http';
import { DASHBOARD_PAGE } from './dashboard-page.js';
import type { ResolvedOptions } from './gateway-options.js';
import { StatusTracker } from './gateway-status.js';
import { PrometheusMetrics } from './prometheus-metrics.js';

type Liveness = () => { draining: boolean; inFlight: number };

/** The routes for operators and load balancers: health, readiness, metrics, status and dashboard. */
export class OpsRoutes {
  readonly #liveness: Liveness;
  readonly #status: StatusTracker | undefined;
  readonly #metrics: PrometheusMetrics | undefined;

  constructor(options: ResolvedOptions, liveness: Liveness) {
    this.#liveness = liveness;
    if (options.dashboard !== false) this.#status = new StatusTracker(options.router, options.clock);
    if (options.metrics !== false) this.#metrics = new PrometheusMetrics(options.router);
  }

  serve(path: string, request: IncomingMessage, res: ServerResponse): boolean {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const { draining, inFlight } = this.#liveness();
      return json(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ready', inFlight });
    }
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
