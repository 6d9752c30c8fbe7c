import { parseArgs } from 'node:util';
import { type ChatResult, createRouter, type Router } from '@spillway/core';
import type { SimFaults } from '@spillway/testing';
import { keyedProviders } from '../batch/batch-command.js';
import { type CliIO, positiveInteger, positiveNumber, UsageError } from '../cli-io.js';
import { duration, usd } from '../format.js';
import { ProgressLine } from '../progress-line.js';
import { liveProviders, type ProviderSet, SIMULATED_CONFIG, simulatedProviders } from '../providers.js';
import { scaledClock } from '../scaled-clock.js';
import { DemoTally } from './demo-tally.js';
import { demoWorkload, type WorkItem } from './workload.js';

export const DEMO_HELP = `Usage: spillway demo [options]

Starts four simulated providers (OpenAI, Anthropic, Groq and Gemini protocols) with tight limits and
some faults, runs an agent-like workload through the router, and prints what happened per provider.

Options:
  --requests <n>      requests in the workload (default 300; 12 with --live)
  --concurrency <n>   requests in flight at once (default 24)
  --seed <n>          workload and fault seed (default 7)
  --time-scale <x>    run the simulated minute windows x times faster (default 20)
  --live              use the real providers whose keys are set (OPENAI_API_KEY, ANTHROPIC_API_KEY,
                      GROQ_API_KEY, GOOGLE_API_KEY or GEMINI_API_KEY) with a small workload instead`;

/**
 * Faults per simulated provider: stray 429s (other traffic on the key), overloads, a Groq outage, and
 * Gemini's per-minute quota 429s.
 */
function demoFaults(name: string): SimFaults | undefined {
  if (name === 'openai') return { rateLimit: 0.03, serverError: 0.01 };
  if (name === 'anthropic') return { overloaded: 0.05 };
  if (name === 'groq')
    return {
      rateLimit: 0.04,
      script: [...Array<'ok'>(40).fill('ok'), ...Array<'serverError'>(15).fill('serverError')],
    };
  if (name === 'google') return { rateLimit: 0.03, overloaded: 0.02 };
  return undefined;
}

export async function demoCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      'time-scale': { type: 'string' },
      live: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${DEMO_HELP}\n`);
    return 0;
  }
  const live = values.live === true;
  const count = positiveInteger(values.requests, '--requests', live ? 12 : 300);
  const concurrency = positiveInteger(values.concurrency, '--concurrency', live ? 4 : 24);
  const seed = positiveInteger(values.seed, '--seed', 7);
  const timeScale = positiveNumber(values['time-scale'], '--time-scale', 20);
  if (live && keyedProviders(io.env).length === 0)
    throw new UsageError(
      '--live needs at least one of OPENAI_API_KEY, ANTHROPIC_API_KEY, GROQ_API_KEY, GOOGLE_API_KEY, GEMINI_API_KEY',
    );

  const clock = live ? undefined : scaledClock(timeScale);
  const set: ProviderSet = live
    ? liveProviders(keyedProviders(io.env), io.env)
    : await simulatedProviders(SIMULATED_CONFIG.providers, {
        seed,
        clock,
        faults: demoFaults,
        latency: { ttftMs: 20, tokensPerSecond: 4_000 },
      });
  const router = createRouter({
    providers: set.providers,
    queue: { maxWaiting: concurrency * 4 },
    ...(clock ? { clock } : {}),
  });
  const tally = new DemoTally(set.providers);
  tally.listen(router);
  const work = demoWorkload(count, seed, true);
  const out = (text: string) => io.stdout.write(`${text}\n`);

  out(
    live
      ? `spillway demo (live): ${count} requests over ${set.providers.map((p) => p.name).join(', ')}`
      : `spillway demo: ${count} agent requests over ${set.providers.length} simulated providers (OpenAI, Anthropic, Groq, Gemini protocols),\n` +
          `tight per-minute limits (time runs ${timeScale}x fast), stray 429s, overloads and a Groq outage.`,
  );
  const line = new ProgressLine(io.stdout);
  const started = performance.now();
  const status = () =>
    `  ${tally.completed}/${count}  fallbacks ${tally.fallbacks}  429s absorbed ${tally.rateLimitedSeen}  errors ${tally.errors.length}  cost ${usd(tally.costUsd)}  ${duration(performance.now() - started)}`;

  const examples: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const item = work[next++] as WorkItem;
      try {
        const result = await send(router, item);
        tally.result(result);
        if (examples.length < 3 && result.attempts.length > 1) examples.push(describe(item, result));
      } catch (error) {
        tally.error(error);
      }
      line.update(status());
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    line.finish(status());
    out('');
    out(tally.table(set.sims));
    out('');
    const wall = performance.now() - started;
    const streamed = work.filter((item) => item.stream).length;
    out(
      `requests: ${count} (${streamed} streamed), answered: ${count - tally.errors.length}, ` +
        `errors the caller saw: ${tally.errors.length}`,
    );
    if (!live) {
      const sent = [...set.sims.values()].reduce((sum, sim) => sum + sim.stats().rateLimited, 0);
      out(`429s the simulators sent (limits and injected faults): ${sent}, every one absorbed by a fallback`);
    }
    if (tally.mostCapable) {
      const saved = tally.mostCapableCostUsd > 0 ? (1 - tally.costUsd / tally.mostCapableCostUsd) * 100 : 0;
      out(
        `cost: ${usd(tally.costUsd)} routed vs ${usd(tally.mostCapableCostUsd)} on ${tally.mostCapable.spec.id} alone ` +
          `(the most capable model offered): ${saved.toFixed(0)}% less`,
      );
    }
    out(
      `wall time: ${duration(wall)}${clock ? ` (${duration(wall * timeScale)} of simulated provider time)` : ''}`,
    );
    if (examples.length) {
      out('');
      out('a few requests that fell back:');
      for (const example of examples) out(`  ${example}`);
    }
    for (const error of tally.errors.slice(0, 5)) out(`error: ${error.code}: ${error.message}`);
    return tally.errors.length === 0 ? 0 : 1;
  } finally {
    await router.close();
    await set.close();
  }
}

async function send(router: Router, item: WorkItem): Promise<ChatResult> {
  if (item.stream) {
    const stream = router.stream(item.request);
    for await (const _event of stream) {
      // A real agent would render the deltas; the demo only drains them.
    }
    return stream.result;
  }
  return router.chat(item.request);
}

function describe(item: WorkItem, result: ChatResult): string {
  const path = result.attempts
    .map((attempt) => `${attempt.provider}/${attempt.model} ${attempt.outcome}`)
    .join(' → ');
  return `${item.kind}${item.stream ? ' (streamed)' : ''}: ${path}`;
}
