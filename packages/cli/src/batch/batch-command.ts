import { parseArgs } from 'node:util';
import { type Clock, createRouter } from '@spillway/core';
import { type CliIO, positiveInteger, positiveNumber, UsageError } from '../cli-io.js';
import { type CliConfig, loadConfigAndPlugins, routerTimeouts } from '../config.js';
import { checkReadableFile, checkWritableFile } from '../file-checks.js';
import { duration, usd } from '../format.js';
import { type OpenedCache, openCache } from '../open-cache.js';
import { ProgressLine } from '../progress-line.js';
import { providerKind, providerKindNames } from '../provider-kinds.js';
import { liveProviders, type ProviderSet, SIMULATED_CONFIG, simulatedProviders } from '../providers.js';
import { scaledClock } from '../scaled-clock.js';
import { type BatchProgress, runBatch } from './run-batch.js';

export const BATCH_HELP = `Usage: spillway batch <input.jsonl> --out <results.jsonl> [options]

Runs every line of <input.jsonl> ({ "id", "messages", ...request fields }) through the router and
appends one result line per id to --out. Run it again after a crash or Ctrl-C: ids already written
are skipped, so each id is written exactly once.

Options:
  --out <file>          results file (JSONL; appended to, created if missing)   [required]
  --config <file>       JSON config: providers (kind, name, apiKeyEnv, baseURL, models, limits),
                        strategy, maxAttempts, timeoutMs, defaults
  --simulate            run against built-in simulated providers (no keys, no network)
  --concurrency <n>     requests in flight at once (default 32); the router paces them to the limits
  --budget-usd <usd>    spend at most this much in this run: once spent, no more lines are sent and
                        the rest are written as "budget_exceeded" results, which the next run retries
  --time-scale <x>      with --simulate: run the simulated minute windows x times faster (default 10)
  --seed <n>            with --simulate: seed for the simulated providers (default 1)
  --cache <file|url>    response cache: a file (JSONL, kept between runs) or a redis:// URL; a line
                        asked before is answered from it at $0, so re-running a file costs nothing

Exit status:
  0    every input line has a result line in --out (check each one's "ok": some may be errors)
  1    nothing was run: bad usage, a bad config, or a file that cannot be read or written
  2    the run finished, but some lines got no result (not JSON, no usable "id", or an id seen
       earlier in the input); each is reported on stderr
  3    --budget-usd was spent: some lines were written as "budget_exceeded"; run again to do them
  130  interrupted (Ctrl-C or SIGTERM): run the same command again to finish`;

// The longest budget window createRouter takes (366 days).
const RUN_WINDOW_MS = 366 * 24 * 3_600_000;

export async function batchCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      config: { type: 'string' },
      simulate: { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      'budget-usd': { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      cache: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${BATCH_HELP}\n`);
    return 0;
  }
  const input = positionals[0];
  if (!input || positionals.length > 1) throw new UsageError('batch takes exactly one input file');
  if (!values.out) throw new UsageError('--out <results.jsonl> is required');
  const concurrency = positiveInteger(values.concurrency, '--concurrency', 32);
  const timeScale = positiveNumber(values['time-scale'], '--time-scale', 10);
  const budgetUsd =
    values['budget-usd'] === undefined ? undefined : positiveNumber(values['budget-usd'], '--budget-usd', 0);
  const seed = positiveInteger(values.seed, '--seed', 1);
  checkReadableFile(input, 'input file');
  checkWritableFile(values.out, '--out');

  const config: CliConfig = values.config ? await loadConfigAndPlugins(values.config) : SIMULATED_CONFIG;
  if (!values.config && !values.simulate && !hasAnyKey(io.env))
    throw new UsageError(
      'no --config and no provider keys in the environment: pass --simulate to try it offline',
    );
  const clock: Clock | undefined = values.simulate ? scaledClock(timeScale) : undefined;
  const set: ProviderSet = values.simulate
    ? await simulatedProviders(config.providers, { seed, clock, latency: { ttftMs: 5 } })
    : values.config
      ? liveProviders(config.providers, io.env)
      : liveProviders(keyedProviders(io.env), io.env);

  let opened: OpenedCache | undefined;
  try {
    opened = values.cache ? await openCache(values.cache) : undefined;
  } catch (error) {
    await set.close();
    throw new UsageError(
      `--cache ${values.cache}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const router = createRouter({
    ...(opened ? { cache: opened.cache } : {}),
    providers: set.providers,
    ...(config.strategy ? { strategy: config.strategy } : {}),
    ...(config.maxAttempts ? { maxAttempts: config.maxAttempts } : {}),
    ...routerTimeouts(config),
    queue: { maxWaiting: concurrency * 2 },
    // The run's budget, so requests in flight together cannot overspend it (the runner stops sending).
    // The longest window there is: a fresh router per run, so it counts this run's spend.
    ...(budgetUsd === undefined
      ? {}
      : { budgets: [{ name: 'batch', limitUsd: budgetUsd, window: RUN_WINDOW_MS }] }),
    // A scaled clock makes each real millisecond of HTTP `timeScale` ms: scale the attempt timeout too.
    ...(clock ? { clock, attemptTimeoutMs: Math.min(120_000 * timeScale, 2_147_483_647) } : {}),
  });
  let rateLimited = 0;
  router.on('rate-limited', () => rateLimited++);

  const stop = new AbortController();
  const abort = new AbortController();
  const line = new ProgressLine(io.stderr);
  const disposeInterrupt = io.onInterrupt(() => {
    if (!stop.signal.aborted) {
      line.log('spillway: stopping; finishing requests in flight (Ctrl-C again to abort them)');
      stop.abort();
    } else abort.abort();
  });
  const started = performance.now();
  const status = (progress: BatchProgress) => {
    const elapsed = performance.now() - started;
    const rate = progress.done / Math.max(elapsed / 1_000, 0.001);
    const left = progress.total - progress.done;
    const eta = rate > 0 ? (left / rate) * 1_000 : Number.POSITIVE_INFINITY;
    const percent = progress.total ? Math.floor((progress.done / progress.total) * 100) : 100;
    return `batch ${progress.done}/${progress.total} ${percent}%  ${rate.toFixed(1)} req/s  ETA ${duration(eta)}  429s absorbed ${rateLimited}  failed ${progress.failed}  cost ${usd(progress.costUsd)}`;
  };

  try {
    const summary = await runBatch({
      input,
      output: values.out,
      router,
      concurrency,
      ...(budgetUsd === undefined ? {} : { budgetUsd }),
      ...(config.defaults ? { defaults: config.defaults } : {}),
      stop: stop.signal,
      abort: abort.signal,
      report: (message) => line.log(`spillway: ${message}`),
      onProgress: (progress) => line.update(status(progress)),
    });
    line.finish(status(summary));
    const elapsed = performance.now() - started;
    const parts = [
      `${summary.succeeded} ok`,
      `${summary.failed} failed`,
      `${summary.skipped} already done`,
      `${summary.unreadable} unreadable lines`,
      `${rateLimited} 429s absorbed`,
      `${summary.inputTokens + summary.outputTokens} tokens`,
      `cost ${usd(summary.costUsd)}`,
    ];
    const cache = router.stats().cache;
    if (cache)
      parts.push(`${cache.hits + cache.coalesced} answered from the cache, saving ${usd(cache.savedUsd)}`);
    parts.push(`in ${duration(elapsed)}`);
    if (summary.trimmedBytes > 0) parts.push(`removed a torn last line (${summary.trimmedBytes} bytes)`);
    if (summary.retried > 0) parts.push(`${summary.retried} retried after an earlier run's budget`);
    if (budgetUsd !== undefined) parts.push(`${summary.budgetExceeded} left for the next run (budget spent)`);
    if (summary.interrupted || abort.signal.aborted) {
      const left = summary.total - summary.done;
      io.stderr.write(
        `interrupted: ${parts.join(', ')}; ${left} left, run the same command again to finish\n`,
      );
      return 130;
    }
    io.stderr.write(`done: ${parts.join(', ')} → ${values.out}\n`);
    if (summary.unreadable > 0) {
      io.stderr.write(
        `spillway: ${summary.unreadable} input line(s) got no result (reported above); fix them and run again\n`,
      );
      return 2;
    }
    if (summary.budgetExceeded > 0) {
      io.stderr.write(
        `spillway: --budget-usd ${budgetUsd} spent; ${summary.budgetExceeded} line(s) written as budget_exceeded: run again to do them\n`,
      );
      return 3;
    }
    return 0;
  } finally {
    disposeInterrupt();
    await router.close();
    await set.close();
    await opened?.close();
  }
}

function hasAnyKey(env: NodeJS.ProcessEnv): boolean {
  return keyedProviders(env).length > 0;
}

/** Without a config: every registered kind whose standard key variable is set, with the catalog's models. */
export function keyedProviders(env: NodeJS.ProcessEnv): CliConfig['providers'] {
  return providerKindNames()
    .filter((kind) => providerKind(kind)?.keyVariables.some((variable) => env[variable]))
    .map((kind) => ({ kind }));
}
