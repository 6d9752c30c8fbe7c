// One process of the lease race: a Redis store that reserves one request at a time on several lanes
// against a limit shared with the other processes, until the parent's count is spent, then gives back
// what it still holds (close) and reports how many it admitted.
import type { BudgetLimits } from '@spillway/core';
import { redisStore } from '@spillway/redis';

export type LeaseRaceConfig = {
  url: string;
  prefix: string;
  key: string;
  capacity: number;
  windowMs: number;
};
export type LeaseRaceReport = { admitted: number; refused: number; degraded: boolean };

const config = JSON.parse(process.env.SPILLWAY_LEASE_RACE ?? '{}') as LeaseRaceConfig;
const store = redisStore({ url: config.url, prefix: config.prefix });
const limits: BudgetLimits = { requests: { capacity: config.capacity, windowMs: config.windowMs } };

process.on('message', async (message: { attempts: number; lanes: number }) => {
  const report: LeaseRaceReport = { admitted: 0, refused: 0, degraded: false };
  let left = message.attempts;
  const lane = async () => {
    while (left-- > 0) {
      const result = await store.reserve(config.key, limits, { requests: 1 }, Date.now());
      if (result.ok) report.admitted++;
      else report.refused++;
    }
  };
  await Promise.all(Array.from({ length: message.lanes }, lane));
  report.degraded = store.degraded;
  await store.close();
  process.send?.(report, () => process.exit(0));
});
process.send?.('ready');
