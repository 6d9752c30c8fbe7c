import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '@spillway/core';
import { accessLogger } from './access-log.js';
import { type GatewayOptions, resolveOptions } from './gateway-options.js';
import { handleRequest } from './handle-request.js';
import { OpsRoutes } from './ops-routes.js';
import { TenantAnswers } from './tenant-answers.js';
import { KeyRing } from './virtual-keys.js';

export type Gateway = {
  /** `http://host:port` — OpenAI clients take `${url}/v1` as their base URL, Anthropic clients `url`. */
  readonly url: string;
  /** Requests being served right now (streams included). */
  inFlight(): number;
  /**
   * Stops accepting connections, answers new requests on open connections with 503, waits for the
   * requests in flight to finish (at most `drainTimeoutMs`), then closes. The router stays open.
   */
  close(): Promise<void>;
};

/**
 * Starts an HTTP server that answers the OpenAI and Anthropic APIs from the router. Resolves once it
 * listens; throws ConfigError for a bad option.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const resolved = resolveOptions(options);
  const keys = new KeyRing(resolved.keys ?? []);
  let draining = false;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  const ops = new OpsRoutes(resolved, () => ({ draining, inFlight }));
  const context = {
    options: resolved,
    keys,
    answers: new TenantAnswers(resolved.router, resolved),
    log: accessLogger(resolved.accessLog),
    clock: deadlineClock(resolved.clock),
    draining: () => draining,
    writeTimedOut: () => ops.writeTimedOut(),
    serveOps: (path: string, request: IncomingMessage, res: ServerResponse) => ops.serve(path, request, res),
  };
  const server = createServer((request, res) => {
    inFlight++;
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      inFlight--;
      if (inFlight === 0) onIdle?.();
    };
    res.once('close', done);
    handleRequest(context, request, res).catch(() => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${host}:${address.port}`,
    inFlight: () => inFlight,
    close() {
      closing ??= (async () => {
        draining = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            onIdle = resolve;
            timer = setTimeout(resolve, resolved.drainTimeoutMs);
          });
          clearTimeout(timer);
        }
        server.closeAllConnections();
        await closed;
        await ops.close();
      })();
      return closing;
    },
  };
}

function deadlineClock(clock: GatewayOptions['clock']): Pick<Clock, 'setTimeout' | 'clearTimeout'> {
  if (clock?.setTimeout && clock.clearTimeout) return clock as Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  return systemClock;
}
