import { type ChatResult, type ModelSpec, type ProviderAdapter, usageCostUsd } from '@spillway/core';
import type { SimulatedProvider } from '@spillway/testing';
import { formatTable, usd } from '../format.js';

type ProviderTally = {
  served: number;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  fallbacksFrom: number;
  cooldowns: number;
  breakerTrips: number;
  costUsd: number;
};

/** The events the tally listens to (a subset of the router's). */
export type TallySource = {
  on(name: 'attempt-start', listener: (event: { provider: string }) => void): () => void;
  on(name: 'fallback', listener: (event: { from: { provider: string } }) => void): () => void;
  on(name: 'cooldown-start', listener: (event: { provider: string }) => void): () => void;
  on(name: 'circuit-open', listener: (event: { provider: string }) => void): () => void;
  on(name: 'rate-limited', listener: (event: { provider: string }) => void): () => void;
};

/** Counts what happened per provider, from router events and results, for the demo's final table. */
export class DemoTally {
  readonly byProvider = new Map<string, ProviderTally>();
  completed = 0;
  /** Requests that ended in an error the caller saw. */
  errors: Array<{ code: string; message: string }> = [];
  rateLimitedSeen = 0;
  fallbacks = 0;
  /** What the served tokens would have cost on the single most capable model. */
  mostCapableCostUsd = 0;
  readonly mostCapable: { provider: string; spec: ModelSpec } | undefined;

  constructor(providers: readonly ProviderAdapter[]) {
    for (const provider of providers) {
      this.byProvider.set(provider.name, {
        served: 0,
        attempts: 0,
        inputTokens: 0,
        outputTokens: 0,
        fallbacksFrom: 0,
        cooldowns: 0,
        breakerTrips: 0,
        costUsd: 0,
      });
      for (const spec of provider.models) {
        const best = this.mostCapable?.spec;
        const better =
          !best ||
          spec.capability > best.capability ||
          (spec.capability === best.capability && spec.outputUsdPerMTok > best.outputUsdPerMTok);
        if (better) this.mostCapable = { provider: provider.name, spec };
      }
    }
  }

  listen(router: TallySource): void {
    router.on('attempt-start', (event) => this.#entry(event.provider).attempts++);
    router.on('fallback', (event) => {
      this.fallbacks++;
      this.#entry(event.from.provider).fallbacksFrom++;
    });
    router.on('cooldown-start', (event) => this.#entry(event.provider).cooldowns++);
    router.on('circuit-open', (event) => this.#entry(event.provider).breakerTrips++);
    router.on('rate-limited', () => this.rateLimitedSeen++);
  }

  result(result: ChatResult): void {
    this.completed++;
    // A cached answer was served by no provider and cost nothing (router.stats().cache counts it).
    if (result.cache === 'hit') return;
    const entry = this.#entry(result.provider);
    entry.served++;
    entry.inputTokens += result.usage.inputTokens;
    entry.outputTokens += result.usage.outputTokens;
    entry.costUsd += result.costUsd;
    const spec = this.mostCapable?.spec;
    // The same tokens (cache hits included) at the most capable model's prices.
    if (spec) this.mostCapableCostUsd += usageCostUsd(spec, result.usage);
  }

  error(error: unknown): void {
    this.completed++;
    const code = (error as { code?: unknown }).code;
    this.errors.push({
      code: typeof code === 'string' ? code : 'internal',
      message: error instanceof Error ? error.message : String(error),
    });
  }

  get costUsd(): number {
    let total = 0;
    for (const entry of this.byProvider.values()) total += entry.costUsd;
    return total;
  }

  /** The per-provider table; `sims` adds the 429s each simulated server sent. */
  table(sims: ReadonlyMap<string, SimulatedProvider>): string {
    const rows: Array<Array<string | number>> = [
      [
        'provider',
        'served',
        'attempts',
        'tokens in',
        'tokens out',
        '429s sent',
        'fallbacks',
        'cooldowns',
        'breaker trips',
        'cost',
      ],
    ];
    const total = { served: 0, attempts: 0, in: 0, out: 0, sent: 0, fallbacks: 0, cooldowns: 0, trips: 0 };
    for (const [name, entry] of this.byProvider) {
      const sent = sims.get(name)?.stats().rateLimited;
      rows.push([
        name,
        entry.served,
        entry.attempts,
        entry.inputTokens,
        entry.outputTokens,
        sent ?? '-',
        entry.fallbacksFrom,
        entry.cooldowns,
        entry.breakerTrips,
        usd(entry.costUsd),
      ]);
      total.served += entry.served;
      total.attempts += entry.attempts;
      total.in += entry.inputTokens;
      total.out += entry.outputTokens;
      total.sent += sent ?? 0;
      total.fallbacks += entry.fallbacksFrom;
      total.cooldowns += entry.cooldowns;
      total.trips += entry.breakerTrips;
    }
    rows.push([
      'total',
      total.served,
      total.attempts,
      total.in,
      total.out,
      sims.size ? total.sent : '-',
      total.fallbacks,
      total.cooldowns,
      total.trips,
      usd(this.costUsd),
    ]);
    return formatTable(rows);
  }

  #entry(provider: string): ProviderTally {
    let entry = this.byProvider.get(provider);
    if (!entry) {
      entry = {
        served: 0,
        attempts: 0,
        inputTokens: 0,
        outputTokens: 0,
        fallbacksFrom: 0,
        cooldowns: 0,
        breakerTrips: 0,
        costUsd: 0,
      };
      this.byProvider.set(provider, entry);
    }
    return entry;
  }
}
