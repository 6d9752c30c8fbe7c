import type { ProviderAdapter } from '@spillway/core';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { startSimulatedProvider } from '../index.js';
import type { SimProtocol } from '../sim/types.js';
import type { Wire } from '../sim/wire.js';
import { resolveWire } from '../sim/wires.js';
import { registerFaultCases } from './fault-cases.js';
import { registerReplyCases } from './reply-cases.js';

export type SimulatedProvider = Awaited<ReturnType<typeof startSimulatedProvider>>;
/** A built-in simulated protocol, or a `Wire` for one the simulator does not ship. */
export type ConformanceProtocol = SimProtocol | Wire;

export type AdapterConformanceOptions = {
  /** Shown in the test names, e.g. 'openai()'. */
  name: string;
  /** The wire protocol the simulated provider speaks to the adapter. */
  protocol: ConformanceProtocol;
  /**
   * Builds the adapter under test, pointed at `sim.baseURL` with `sim.apiKey` (or `options.apiKey`
   * when given). When `options.timeoutMs` is set, the SDK must give up on an unanswered request after
   * that long (pass it as the SDK client's `timeout`).
   */
  makeAdapter: (sim: SimulatedProvider, options: { apiKey?: string; timeoutMs?: number }) => ProviderAdapter;
  /** A model id the adapter offers and supports tools, JSON and streaming on. */
  model: string;
  /** Cases to leave out, each with the reason (shown as a skipped test). */
  skip?: Partial<Record<ConformanceCase, string>>;
};

export type ConformanceCase =
  | 'plain'
  | 'system'
  | 'multi-turn'
  | 'tools'
  | 'json'
  | 'stream'
  | 'stream-tools'
  | 'headers'
  | 'abort'
  | 'timeout'
  | 'faults'
  | 'stream-faults'
  | 'secrets';

/** What the case files share: the running simulator and a fresh adapter per call. */
export type ConformanceContext = {
  options: AdapterConformanceOptions;
  wire: Wire;
  sim: () => SimulatedProvider;
  adapter: (overrides?: { apiKey?: string; timeoutMs?: number }) => ProviderAdapter;
  /** Every error seen, so the secrets case can check none of them leaks a key. */
  errors: unknown[];
};

/** Limits the simulator enforces for the suite: high enough never to bite, present in every header. */
export const CONFORMANCE_LIMITS = {
  rpm: 1000,
  rpd: 50_000,
  tpm: 2_000_000,
  inputTpm: 2_000_000,
  outputTpm: 400_000,
};

/**
 * Registers the adapter conformance suite (vitest `describe`/`it`) for one adapter against a
 * simulated provider speaking `protocol`. Every adapter runs the same cases: replies, tools, JSON,
 * streams, every fault class, rate-limit headers, abort, and "the API key appears in no error".
 */
export function runAdapterConformance(options: AdapterConformanceOptions): void {
  describe(`adapter conformance: ${options.name}`, () => {
    let sim: SimulatedProvider | undefined;
    const wire = resolveWire(options.protocol);
    const context: ConformanceContext = {
      options,
      wire,
      sim: () => {
        if (!sim) throw new Error('the simulated provider is not running');
        return sim;
      },
      adapter: (overrides = {}) => options.makeAdapter(context.sim(), overrides),
      errors: [],
    };

    beforeAll(async () => {
      sim = await startSimulatedProvider({ protocol: wire, limits: CONFORMANCE_LIMITS });
    });
    beforeEach(() => {
      sim?.setFaults({});
    });
    afterAll(async () => {
      await sim?.close();
    });

    registerReplyCases(context);
    registerFaultCases(context);
  });
}
