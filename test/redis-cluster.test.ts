import { createRouter, type Router } from '@spillway/core';
import { openai } from '@spillway/openai';
import { type RedisStore, redisStore } from '@spillway/redis';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_SKIP_REASON,
  canStartCluster,
  type RedisCluster,
  startRedisCluster,
} from './redis-cluster.js';

const RPM = 6;
const HOUR = 3_600_000;

describe.skipIf(!canStartCluster)(
  `redisStore on a real Redis Cluster (6 nodes, 3 primaries)${canStartCluster ? '' : ` (${CLUSTER_SKIP_REASON})`}`,
  () => {
    let cluster: RedisCluster;
    let sim: SimulatedProvider;
    const clients: Cluster[] = [];
    const stores: RedisStore[] = [];
    const routers: Router[] = [];

    beforeAll(async () => {
      [cluster, sim] = await Promise.all([
        startRedisCluster(),
        startSimulatedProvider({ protocol: 'openai', limits: { rpm: RPM }, replyTokens: 5 }),
      ]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all(routers.map((router) => router.close()));
      await Promise.all(stores.map((store) => store.close()));
      for (const client of clients) client.disconnect();
      await sim?.close();
      await cluster?.stop();
    });

    async function clusterStore(prefix: string): Promise<RedisStore> {
      const client = new Cluster(cluster.nodes);
      clients.push(client);
      await new Promise((resolve, reject) => {
        client.once('ready', resolve);
        client.once('error', reject);
      });
      const store = redisStore({ client, prefix });
      stores.push(store);
      return store;
    }

    it('two routers on ioredis Cluster clients keep one provider limit: no 429 from the provider', async () => {
      const workers = await Promise.all(
        [0, 1].map(async () => {
          const router = createRouter({
            providers: [
              openai({
                apiKey: sim.apiKey,
                baseURL: sim.baseURL,
                models: ['gpt-5.4-mini'],
                limits: { rpm: RPM },
              }),
            ],
            store: await clusterStore('cluster-rpm'),
          });
          routers.push(router);
          return router;
        }),
      );
      const ask = (router: Router | undefined, timeoutMs: number) =>
        router?.chat({
          model: 'gpt-5.4-mini',
          messages: [{ role: 'user', content: 'Say hello.' }],
          maxTokens: 16,
          timeoutMs,
        });
      const started = Date.now();
      // The minute's six requests, three from each router: all are answered (generous deadlines for a
      // loaded machine) …
      const first = await Promise.allSettled(
        Array.from({ length: RPM }, (_, i) => ask(workers[i % 2], 20_000)),
      );
      expect(first.filter((result) => result.status === 'fulfilled')).toHaveLength(RPM);
      // … and six more find the shared bucket empty: neither router sends them (one may have refilled).
      const second = await Promise.allSettled(
        Array.from({ length: RPM }, (_, i) => ask(workers[i % 2], 1_000)),
      );
      const refilled = Math.floor((RPM * (Date.now() - started)) / 60_000);
      expect(second.filter((result) => result.status === 'fulfilled').length).toBeLessThanOrEqual(refilled);
      // The provider enforces the same RPM: it refused nothing.
      expect(sim.stats().rateLimited).toBe(0);
      expect(stores.some((store) => store.degraded)).toBe(false);
    }, 30_000);

    it('keeps spend budgets: one hash tag puts every key a script touches in one slot', async () => {
      const [a, b] = [await clusterStore('cluster-spend'), await clusterStore('cluster-spend')];
      const limits = { requests: { capacity: 100, windowMs: HOUR } };
      const hold = (amountUsd: number) => ({
        key: 'budget:global',
        limitUsd: 1,
        windowStart: 0,
        windowEnd: Date.now() + HOUR,
        amountUsd,
      });
      let admitted = 0;
      for (let i = 0; i < 8; i++) {
        const result = await (i % 2 ? a : b).reserve(`openai/model-${i}`, limits, { requests: 1 }, 0, 0, [
          hold(0.3),
        ]);
        if (result.ok) admitted++;
        else expect(result).toMatchObject({ dimension: 'spend', hold: 0 });
      }
      // $0.30 each against $1 shared by both stores, across models whose keys would hash to other slots.
      expect(admitted).toBe(3);
      expect(a.spentUsd('budget:global', 0)).toBeCloseTo(0.9, 6);
      // The router accepts `budgets` with a Cluster store now.
      const router = createRouter({
        providers: [openai({ apiKey: sim.apiKey, baseURL: sim.baseURL, models: ['gpt-5.4-nano'] })],
        store: a,
        budgets: [{ name: 'daily', limitUsd: 5, window: 'day' }],
      });
      routers.push(router);
      expect(a.spendBudgets).toBe(true);
    });
  },
);
