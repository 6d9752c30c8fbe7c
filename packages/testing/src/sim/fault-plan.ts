import { type RandomSource, seededRandom } from '@spillway/core';
import type { SimFaults, SimOutcome, SimScriptStep } from './types.js';

const PROBABILITY_ORDER = [
  'rateLimit',
  'quota',
  'serverError',
  'overloaded',
  'timeout',
  'connectionReset',
  'stallMidStream',
  'cutMidStream',
  'dropMidStream',
  'inbandError',
  'malformed',
  'authError',
  'modelNotFound',
  'contextLength',
] as const satisfies readonly SimOutcome[];

const OK: SimScriptStep = Object.freeze({ outcome: 'ok' });

/** Picks each request's outcome: the script first, then one seeded draw against the probabilities. */
export class FaultPlan {
  #faults: SimFaults = {};
  #script: SimScriptStep[] = [];
  #position = 0;
  #total = 0;
  readonly #random: RandomSource;

  constructor(faults: SimFaults | undefined, seed: number) {
    this.#random = seededRandom(seed);
    this.set(faults ?? {});
  }

  set(faults: SimFaults): void {
    for (const name of Object.keys(faults)) {
      if (name !== 'script' && !(PROBABILITY_ORDER as readonly string[]).includes(name))
        throw new RangeError(`unknown fault '${name}'; known: ${PROBABILITY_ORDER.join(', ')}`);
    }
    this.#faults = faults;
    this.#script = (faults.script ?? []).map((step) => (typeof step === 'string' ? { outcome: step } : step));
    this.#position = 0;
    this.#total = 0;
    for (const name of PROBABILITY_ORDER) {
      const probability = faults[name];
      if (probability !== undefined && !(probability >= 0 && probability <= 1))
        throw new RangeError(`faults.${name} must be a probability between 0 and 1`);
      this.#total += probability ?? 0;
    }
  }

  next(): SimScriptStep {
    if (this.#position < this.#script.length) return this.#script[this.#position++]!;
    if (this.#total === 0) return OK;
    let draw = this.#random();
    for (const name of PROBABILITY_ORDER) {
      draw -= this.#faults[name] ?? 0;
      if (draw < 0) return { outcome: name };
    }
    return OK;
  }
}
