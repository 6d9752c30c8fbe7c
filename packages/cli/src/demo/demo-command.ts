import { parseArgs } from 'node:util';
import { type ChatResult, createRouter, memoryCache, type Router, seededRandom } from '@spillway/core';
import type { SimFaults } from '@spillway/testing';
import { keyedProviders } from '../batch/batch-command.js';
import { type CliIO, positiveInteger, positiveNumber, UsageError } from '../cli-io.js';
import { duration, usd } from '../format.js';
import { ProgressLine } from '../progress-line.js';
import { liveProviders, type ProviderSet, SIMULATED_CONFIG, simulatedProviders } from '../providers.js';
import { DemoTally } from './demo-tally.js';
import { lockstepAdapter, type SimulatedLatency, VirtualClock } from './virtual-time.js';
import { demoWorkload, type WorkItem } from './workload.js';

export const DEMO_HELP = `Usage: spillway demo [options]

Starts four simulated providers (OpenAI, Anthropic, Groq and Gemini protocols) with tight limits and
some faults, runs an agent-like workload through the router (with a response cache: some tickets are
classified twice), and prints what happened per provider and what the cache saved.

Options:
  --requests <n>      requests in the workload (default 300; 12 with --live)
  --concurrency <n>   requests in flight at once (default 24)
  --seed <n>          workload, fault and routing seed (default 7); the same seed gives the same
                      table and totals on every run (only the wall time differs)
  --time-scale <x>    show the simulated time at most x times faster than real time (default 20);
                      the results do not depend on it
  --live              use the real providers whose keys are set (OPENAI_API_KEY, ANTHROPIC_API_KEY,
                      GROQ_API_KEY, GOOGLE_API_KEY or GEMINI_API_KEY) with a small workload instead
  -h, --help          show this help

Exit status: 0 when every request was answered, 1 on bad usage (nothing run), 2 when some requests
ended in an error the caller saw (listed at the end).`;

/** Faults per simulated provider: stray 429s (other traffic on the key), overloads, Gemini's per-minute quota 429s. */
function demoFaults(name: string): SimFaults | undefined {
  if (name === 'openai') return { rateLimit: 0.03, serverError: 0.01 };
  if (name === 'anthropic') return { overloaded: 0.05 };
  if (name === 'groq') return GROQ_NORMAL;
  if (name === 'google') return { rateLimit: 0.03, overloaded: 0.02 };
  return undefined;
}

const GROQ_NORMAL: SimFaults = { rateLimit: 0.04 };

/**
 * Simulated time per call: a first token after 500 ms, then 50 tokens a second up to maxTokens
 * (what the request allows, so it does not depend on the text the simulator makes up). Errors
 * come back in 100 ms.
 */
const LATENCY: SimulatedLatency = {
  ok: (call) => 500 + (call.maxTokens ?? 256) * 20,
  failedMs: 100,
};

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

  // Simulated runs use simulated time, so the same seed gives the same run (see VirtualClock).
  const clock = live ? undefined : new VirtualClock();
  const set: ProviderSet = live
    ? liveProviders(keyedProviders(io.env), io.env)
    : await simulatedProviders(SIMULATED_CONFIG.providers, {
        seed,
        clock,
        faults: demoFaults,
        latency: { ttftMs: 1, tokensPerSecond: 1_000_000 },
      });
  const router = createRouter({
    providers: clock
      ? set.providers.map((provider) => lockstepAdapter(provider, clock, LATENCY))
      : set.providers,
    queue: { maxWaiting: concurrency * 4 },
    ...(clock ? { clock, random: seededRandom(seed) } : {}),
    // A short reset, so a run of a few simulated minutes shows the breaker open, probe and close.
    breaker: { resetTimeoutMs: 5_000 },
    cache: memoryCache(clock ? { clock } : {}),
  });
  const tally = new DemoTally(set.providers);
  tally.listen(router);
  const work = demoWorkload(count, seed, true);
  const out = (text: string) => io.stdout.write(`${text}\n`);
  const startedAt = clock?.now() ?? 0;
  const simulated = () => duration((clock?.now() ?? 0) - startedAt);
  const groq = set.sims.get('groq');
  let outage: 'before' | 'on' | 'over' = groq ? 'before' : 'over';
  // The outage is tied to progress, not to the clock, so it falls inside any size of run.
  const outageStarts = Math.ceil(count * 0.2);
  const outageEnds = Math.ceil(count * 0.6);
  const outageLog: string[] = [];
  const log = (text: string) => outageLog.push(`${simulated().padStart(6)}  ${text}`);
  if (clock) {
    router.on('circuit-open', (event) => log(`${event.provider}/${event.model} breaker opens`));
    router.on('circuit-half-open', (event) =>
      log(`${event.provider}/${event.model} breaker half-open: one probe call`),
    );
    router.on('circuit-close', (event) => log(`${event.provider}/${event.model} breaker closes`));
  }
  const outageStep = () => {
    if (!groq) return;
    if (outage === 'before' && tally.completed >= outageStarts) {
      outage = 'on';
      groq.setFaults({ serverError: 1 });
      log('Groq outage begins: every call gets a 500');
    } else if (outage === 'on' && tally.completed >= outageEnds) {
      outage = 'over';
      groq.setFaults(GROQ_NORMAL);
      log('Groq outage ends');
    }
  };

  out(
    live
      ? `spillway demo (live): ${count} requests over ${set.providers.map((p) => p.name).join(', ')}`
      : `spillway demo: ${count} agent requests over ${set.providers.length} simulated providers (OpenAI, Anthropic, Groq, Gemini protocols),\n` +
          `tight per-minute limits, stray 429s, overloads, and a Groq outage from 20% to 60% of the way through.`,
  );
  const line = new ProgressLine(io.stdout);
  const started = performance.now();
  const status = () =>
    `  ${tally.completed}/${count}  fallbacks ${tally.fallbacks}  429s absorbed ${tally.rateLimitedSeen}  errors ${tally.errors.length}  cost ${usd(tally.costUsd)}  ${clock ? simulated() : duration(performance.now() - started)}`;

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
      if (clock) outageStep();
      line.update(status());
    }
  };
  try {
    const workers = Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    await (clock ? clock.run(workers, timeScale) : workers);
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
    const cache = router.stats().cache;
    if (cache)
      out(
        `response cache: ${cache.hits + cache.coalesced} repeated prompts answered without a provider call ` +
          `(${cache.coalesced} of them shared an identical request's call in flight), saving ${usd(cache.savedUsd)}`,
      );
    if (tally.mostCapable) {
      const saved = tally.mostCapableCostUsd > 0 ? (1 - tally.costUsd / tally.mostCapableCostUsd) * 100 : 0;
      out(
        `cost: ${usd(tally.costUsd)} routed vs ${usd(tally.mostCapableCostUsd)} on ${tally.mostCapable.spec.id} alone ` +
          `(the most capable model offered): ${saved.toFixed(0)}% less`,
      );
    }
    out(
      clock ? `simulated time: ${simulated()} (wall time ${duration(wall)})` : `wall time: ${duration(wall)}`,
    );
    if (outageLog.length) {
      out('');
      out('the Groq outage, in simulated time:');
      for (const entry of outageLog) out(`  ${entry}`);
    }
    if (examples.length) {
      out('');
      out('a few requests that fell back:');
      for (const example of examples) out(`  ${example}`);
    }
    for (const error of tally.errors.slice(0, 5)) out(`error: ${error.code}: ${error.message}`);
    return tally.errors.length === 0 ? 0 : 2;
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
