/** What a simulated provider saw and did, for tests to assert on. */
export type SimStats = {
  /** Chat requests received (count_tokens calls are not counted). */
  requests: number;
  /** Requests by what happened: 'ok', a fault name, 'rateLimit' (also from the limits), 'invalid', 'auth' … */
  outcomes: Record<string, number>;
  /** Responses by HTTP status (streams count as their 200). */
  statuses: Record<string, number>;
  /** 429 responses sent, from limits and faults. */
  rateLimited: number;
  /** Requests whose SDK said it was retrying (`x-stainless-retry-count` > 0). */
  retries: number;
  tokens: { input: number; output: number };
  /** Requests being handled now, and the most at once. */
  inFlight: number;
  peakConcurrency: number;
  /** TCP connections open now, and ever accepted. */
  openConnections: number;
  connections: number;
  models: Record<
    string,
    { requests: number; rateLimited: number; inputTokens: number; outputTokens: number }
  >;
  /** The last chat request's path and parsed body (never its headers, so no key). */
  lastRequest?: { path: string; body: unknown };
};

export function emptyStats(): SimStats {
  return {
    requests: 0,
    outcomes: {},
    statuses: {},
    rateLimited: 0,
    retries: 0,
    tokens: { input: 0, output: 0 },
    inFlight: 0,
    peakConcurrency: 0,
    openConnections: 0,
    connections: 0,
    models: {},
  };
}

export function modelStats(stats: SimStats, model: string): SimStats['models'][string] {
  let entry = stats.models[model];
  if (!entry) {
    entry = { requests: 0, rateLimited: 0, inputTokens: 0, outputTokens: 0 };
    stats.models[model] = entry;
  }
  return entry;
}

export function countOutcome(stats: SimStats, outcome: string): void {
  stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1;
}

/** A deep copy, so a test's snapshot does not change under it. */
export function copyStats(stats: SimStats): SimStats {
  return structuredClone(stats);
}
