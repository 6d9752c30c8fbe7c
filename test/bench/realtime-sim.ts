// One simulated provider in its own process for the real-time bench: started from the config in
// SPILLWAY_SIM, it answers the parent's `stats` messages and exits on `close`.
import { type SimProtocol, startSimulatedProvider } from '@spillway/testing';

export type SimConfig = {
  protocol: SimProtocol;
  rpm: number;
  ttftMs: number;
  replyTokens: number;
  seed: number;
};
export type SimReady = { type: 'ready'; baseURL: string; apiKey: string };
export type SimStats = { type: 'stats'; requests: number; rateLimited: number };

const config = JSON.parse(process.env.SPILLWAY_SIM ?? '{}') as SimConfig;
const sim = await startSimulatedProvider({
  protocol: config.protocol,
  limits: { rpm: config.rpm },
  latency: { ttftMs: config.ttftMs },
  replyTokens: config.replyTokens,
  seed: config.seed,
});

process.on('message', (message: { type: 'stats' | 'close' }) => {
  if (message.type === 'close') {
    void sim.close().finally(() => process.exit(0));
    return;
  }
  const stats = sim.stats();
  process.send?.({
    type: 'stats',
    requests: stats.requests,
    rateLimited: stats.rateLimited,
  } satisfies SimStats);
});
process.send?.({ type: 'ready', baseURL: sim.baseURL, apiKey: sim.apiKey } satisfies SimReady);
