import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { seededRandom } from '@spillway/core';
import { FaultPlan } from './fault-plan.js';
import { handleRequest, type SimContext } from './handle-request.js';
import { PromptCache } from './prompt-cache.js';
import { RateLimiter } from './rate-limiter.js';
import { copyStats, emptyStats, type SimStats } from './sim-stats.js';
import type { SimFaults, SimLimits, SimulatedProviderOptions } from './types.js';
import { resolveWire } from './wires.js';

export type SimulatedProvider = {
  /** Exactly what the official SDK's `baseURL` option takes (OpenAI: `${url}/v1`). */
  readonly baseURL: string;
  readonly apiKey: string;
  /** `http://host:port` of the server. */
  readonly url: string;
  /** The wire's name: 'openai', 'anthropic', 'groq', 'gemini' or a custom wire's. */
  readonly protocol: string;
  stats(): SimStats;
  /** Replaces the fault probabilities and script (the script restarts at request 1). */
  setFaults(faults: SimFaults): void;
  /** Replaces the limits; buckets start full again. */
  setLimits(limits: SimLimits): void;
  /** Back to the state it started in: the options' faults and limits, full buckets, zero stats. */
  reset(): void;
  /** Stops the server and drops every connection, including hanging ones. */
  close(): Promise<void>;
};

/** Starts a real HTTP server on loopback that speaks one provider's protocol, with its limits and faults. */
export async function startSimulatedProvider(options: SimulatedProviderOptions): Promise<SimulatedProvider> {
  const wire = resolveWire(options.protocol);
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  const context: SimContext = {
    wire,
    apiKey: options.apiKey ?? wire.defaultApiKey,
    seed,
    now,
    limiter: new RateLimiter(wire.metering, options.limits ?? {}, now),
    faults: new FaultPlan(options.faults, seed),
    latency: options.latency ?? {},
    slowDraw: seededRandom(seed + 1),
    models: modelTable(options.models),
    replyTokens: options.replyTokens ?? [20, 60],
    promptCache: options.promptCache === false ? undefined : new PromptCache(options.promptCache),
    stats: emptyStats(),
    pending: { timers: new Set() },
    counter: 0,
  };
  const sockets = new Set<Socket>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) =>
    handleRequest(context, request, response),
  );
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    context.stats.connections++;
    context.stats.openConnections++;
    socket.once('close', () => {
      sockets.delete(socket);
      context.stats.openConnections--;
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    baseURL: wire.baseURL(url),
    apiKey: context.apiKey,
    url,
    protocol: wire.name,
    stats: () => copyStats(context.stats),
    setFaults: (faults) => context.faults.set(faults),
    setLimits: (limits) => context.limiter.setLimits(limits),
    reset() {
      const { openConnections, connections, inFlight } = context.stats;
      context.stats = { ...emptyStats(), openConnections, connections, inFlight };
      context.limiter.setLimits(options.limits ?? {});
      context.faults = new FaultPlan(options.faults, seed);
      context.promptCache?.clear();
      context.counter = 0;
    },
    close() {
      closed ??= (async () => {
        for (const timer of context.pending.timers) clearTimeout(timer);
        context.pending.timers.clear();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // Wait for every socket's close so stats() reads zero open connections afterwards.
        const socketsClosed = [...sockets].map(
          (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()).destroy()),
        );
        await Promise.all([stopped, ...socketsClosed]);
      })();
      return closed;
    },
  };
}

function modelTable(models: SimulatedProviderOptions['models']): Map<string, number> | undefined {
  if (!models) return undefined;
  const table = new Map<string, number>();
  for (const model of models) {
    if (typeof model === 'string') table.set(model, 128_000);
    else table.set(model.id, model.contextWindow ?? 128_000);
  }
  return table;
}
