import type { RouterOptions } from '../router/options.js';
import type { RouterStore } from '../store.js';
import { COOLDOWN_DEFAULTS, type CooldownOptions } from './cooldown-policy.js';
import { LEARNING_DEFAULTS, type LearningOptions } from './learning-window.js';
import { memoryStore } from './memory-store.js';
import { BREAKER_DEFAULTS, type BreakerOptions } from './model-breaker.js';

export type ResilienceOptions = {
  store: RouterStore;
  cooldown: CooldownOptions;
  breaker: BreakerOptions;
  maxWaiting: number;
  /** Keep this fraction of every bucket for when nothing else can go. */
  reserveFraction: number;
  /** In-flight limits for models whose limits are being learned; false: none. */
  learning: LearningOptions | false;
};

export const RESILIENCE_DEFAULTS = { maxWaiting: 1_000, reserveFraction: 0.05 } as const;

/** The router's (already validated) options for budgets, cooldowns, breakers and the queue, with defaults. */
export function resilienceOptions(raw: RouterOptions): ResilienceOptions {
  const pick = <T extends object>(defaults: T, given: Partial<T> | undefined): T => {
    const result = { ...defaults };
    for (const [key, value] of Object.entries(given ?? {}))
      if (value !== undefined) (result as Record<string, unknown>)[key] = value;
    return result;
  };
  return {
    store: raw.store ?? memoryStore(),
    cooldown: pick(COOLDOWN_DEFAULTS, raw.cooldown),
    breaker: pick(BREAKER_DEFAULTS, raw.breaker),
    maxWaiting: raw.queue?.maxWaiting ?? RESILIENCE_DEFAULTS.maxWaiting,
    reserveFraction: raw.budget?.reserveFraction ?? RESILIENCE_DEFAULTS.reserveFraction,
    learning: raw.learning === false ? false : pick(LEARNING_DEFAULTS, raw.learning),
  };
}
