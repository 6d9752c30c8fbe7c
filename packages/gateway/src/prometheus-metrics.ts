import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Router } from '@spillway/core';
import { instrument } from '@spillway/otel';
import type { GatewayRouter } from './gateway-options.js';

/**
 * `GET /metrics`: the router's telemetry metrics (`@spillway/otel`: GenAI client metrics, fallbacks,
 * 429s absorbed, cooldowns, breakers, limits left) in Prometheus text, from a meter provider of the
 * gateway's own so the application's global one is left alone.
 */
export class PrometheusMetrics {
  readonly #exporter = new PrometheusExporter({ preventServerStart: true });
  readonly #provider = new MeterProvider({ readers: [this.#exporter] });
  readonly #stop: () => void;
  readonly #writeTimeouts = this.#provider
    .getMeter('@spillway/gateway')
    .createCounter('spillway.gateway.write_timeouts', {
      description: 'Streams cut because the client stopped reading for writeTimeoutMs',
    });

  constructor(router: GatewayRouter) {
    this.#stop = instrument(router as Router, { meterProvider: this.#provider });
  }

  writeTimedOut(): void {
    this.#writeTimeouts.add(1);
  }

  serve(request: IncomingMessage, res: ServerResponse): void {
    this.#exporter.getMetricsRequestHandler(request, res);
  }

  async close(): Promise<void> {
    this.#stop();
    await this.#provider.shutdown();
  }
}
