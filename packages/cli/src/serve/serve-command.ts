import { parseArgs } from 'node:util';
import { createRouter, memoryCache, type ResponseCache } from '@spillway/core';
import { startGateway } from '@spillway/gateway';
import type { RedisStore } from '@spillway/redis';
import { type CliIO, positiveInteger, UsageError } from '../cli-io.js';
import { type CliConfig, loadConfigAndPlugins, routerTimeouts } from '../config.js';
import { liveProviders, type ProviderSet, SIMULATED_CONFIG, simulatedProviders } from '../providers.js';
import { type CacheChoice, cacheOptions, gatewayOptions, redisOptions } from './serve-config.js';

export const SERVE_HELP = `Usage: spillway serve --config <gateway.json> [options]

Serves the router over HTTP as an OpenAI- and Anthropic-compatible API: POST /v1/chat/completions,
/v1/responses, /v1/messages, /v1/messages/count_tokens; GET /v1/models, /healthz, /readyz.
Clients use virtual keys from the config; the provider keys stay in this process. One JSON access
log line per request goes to stdout (no prompt text, no keys). SIGTERM or Ctrl-C: stop accepting,
finish the requests in flight, exit 0.

Options:
  --config <file>   JSON config: providers, strategy, maxAttempts, timeoutMs,
                    timeToFirstTokenMs, stallTimeoutMs (a stream quiet this long after content
                    ends with an in-band error; default 30000), plus
                    "gateway": { port, host, keys: [{ sha256 | keyEnv, tenant }], allowAnonymous,
                                 adminKeys: [{ sha256 | keyEnv }] (then /metrics, /status,
                                 /dashboard need one),
                                 aliases, unknownModel, maxBodyBytes, requestTimeoutMs,
                                 writeTimeoutMs, drainTimeoutMs, accessLog }
                    "redis": { url | urlEnv, prefix }   (replicas on one Redis share the limits)
                    "cache": { memory: true | { maxEntries, maxBytes, ttlMs } }
                          or { redis: "redis://…" | { url | urlEnv, prefix, ttlMs } }
                                                        (replicas on one Redis share the answers)
  --port <n>        overrides gateway.port (default 8080)
  --host <addr>     overrides gateway.host (default 127.0.0.1)
  --simulate        serve built-in simulated providers instead of the real ones (no keys needed)

Exit status: 0 after a clean shutdown; 1 when nothing was served (bad usage, a bad config, the port
in use).`;

export async function serveCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      simulate: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${SERVE_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`serve takes no positional arguments, got "${positionals[0]}"`);
  if (!values.config && !values.simulate)
    throw new UsageError('--config <gateway.json> is required (or --simulate)');
  const config: CliConfig = values.config ? await loadConfigAndPlugins(values.config) : SIMULATED_CONFIG;
  const options = gatewayOptions(config.gateway, io.env);
  if (values.port !== undefined)
    options.port = values.port === '0' ? 0 : positiveInteger(values.port, '--port', 8080);
  options.port ??= 8080;
  if (values.host !== undefined) options.host = values.host;
  const redis = redisOptions(config.redis, io.env);
  const cacheChoice = cacheOptions(config.cache, io.env);

  const set: ProviderSet = values.simulate
    ? await simulatedProviders(config.providers)
    : liveProviders(config.providers, io.env);
  let store: RedisStore | undefined;
  let cache: ResponseCache | undefined;
  try {
    if (redis) {
      const { redisStore } = await import('@spillway/redis');
      store = redisStore(redis);
    }
    if (cacheChoice) cache = await openCache(cacheChoice);
    const router = createRouter({
      providers: set.providers,
      ...(config.strategy ? { strategy: config.strategy } : {}),
      ...(config.maxAttempts ? { maxAttempts: config.maxAttempts } : {}),
      ...routerTimeouts(config),
      ...(store ? { store } : {}),
      ...(cache ? { cache } : {}),
    });
    try {
      const gateway = await startGateway({ ...options, router });
      io.stderr.write(
        `spillway: serving ${set.providers.map((provider) => provider.name).join(', ')}${values.simulate ? ' (simulated)' : ''} on ${gateway.url}${redis ? ' with limits shared through Redis' : ''}\n`,
      );
      await new Promise<void>((resolve) => {
        const dispose = io.onInterrupt(() => {
          dispose();
          io.stderr.write(`spillway: draining ${gateway.inFlight()} request(s) in flight, then exiting\n`);
          resolve();
        });
      });
      await gateway.close();
    } finally {
      await router.close();
    }
  } finally {
    await store?.close();
    await cache?.close?.();
    await set.close();
  }
  io.stderr.write('spillway: stopped\n');
  return 0;
}

async function openCache(choice: CacheChoice): Promise<ResponseCache> {
  const { kind, ...options } = choice;
  if (kind === 'memory') return memoryCache(options);
  const { redisCache } = await import('@spillway/redis');
  return redisCache(options);
}
