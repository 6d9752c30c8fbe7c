import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedOptions } from './gateway-options.js';

type Liveness = () => { draining: boolean; inFlight: number };

/** The routes for operators and load balancers: health, readiness. */
export class OpsRoutes {
  readonly #liveness: Liveness;

  constructor(_options: ResolvedOptions, liveness: Liveness) {
    this.#liveness = liveness;
  }

  serve(path: string, request: IncomingMessage, res: ServerResponse): boolean {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const { draining, inFlight } = this.#liveness();
      return json(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ready', inFlight });
    }
    return false;
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
