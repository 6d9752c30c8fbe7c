import { type ChatRequest, createRouter, type Router } from '@spillway/core';
import { type RedisStore, redisStore } from '@spillway/redis';
import { FakeClock, scriptedAdapter } from '@spillway/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, redisServerBinary, SKIP_REASON, startRedisServer } from './redis-server.js';

// Redis refills by its own clock: an rpm of 3 refills one request every 20 s of real time, far longer
// than the test runs, so what is admitted is what the shared tenant bucket handed out.
describe.skipIf(!redisServerBinary)(
  `per-tenant rpm across routers sharing a real redis-server${redisServerBinary ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let server: RedisServer;
    const stores: RedisStore[] = [];
    const routers: Router[] = [];
    beforeAll(async () => {
      server = await startRedisServer();
    });
    afterAll(async () => {
      await Promise.all(routers.map((router) => router.close()));
      await Promise.all(stores.map((store) => store.close()));
      await server?.stop();
    });

    /** One "process": its own router, adapter and Redis connection, on the shared prefix. */
    function worker(name: string) {
      const clock = new FakeClock();
      const adapter = scriptedAdapter({
        name: 'p',
        clock,
        models: [{ id: 'm', capability: 5, limits: { rpm: 1_000 } }],
      });
      const store = redisStore({ url: server.url, prefix: 'tenants' });
      stores.push(store);
      const router = createRouter({
        providers: [adapter],
        store,
        clock,
        tenants: { acme: { rpm: 3 }, other: { weight: 2 } },
      });
      routers.push(router);
      return { name, router, adapter };
    }

    const ask = (tenant: string): ChatRequest => ({ messages: [{ role: 'user', content: tenant }], tenant });

    it('two routers together send no more than the tenant’s rpm; other tenants are not held back', async () => {
      const one = worker('one');
      const two = worker('two');
      const acme = [one, two, one, two, one].map(({ router }) =>
        router.chat(ask('acme')).then(
          () => 'sent',
          () => 'stopped',
        ),
      );
      const other = await Promise.all([one, two].map(({ router }) => router.chat(ask('other'))));
      expect(other.map((result) => result.text)).toEqual(['ok', 'ok']);
      const acmeCalls = () =>
        [one, two]
          .flatMap(({ adapter }) => adapter.calls)
          .filter((call) => call.call.messages[0]?.content === 'acme');
      await vi.waitFor(() => {
        const held = [one, two].reduce(
          (sum, { router }) => sum + (router.stats().tenants?.acme?.rateLimited ?? 0),
          0,
        );
        expect(held).toBe(2);
        expect(acmeCalls()).toHaveLength(3);
      });
      // The two left waiting for the shared bucket end with the routers.
      await Promise.all([one.router.close(), two.router.close()]);
      expect((await Promise.all(acme)).sort()).toEqual(['sent', 'sent', 'sent', 'stopped', 'stopped']);
      expect(one.router.stats().tenants?.acme?.budget?.requests?.capacity).toBe(3);
    });

    it('a fallback counts once in the tenant’s rpm: three requests that each fall back fit an rpm of 3', async () => {
      const clock = new FakeClock();
      const adapter = scriptedAdapter({
        name: 'p',
        clock,
        models: [
          { id: 'm', capability: 5, limits: { rpm: 1_000 } },
          { id: 'n', capability: 5, limits: { rpm: 1_000 } },
        ],
        script: { m: [{ fail: 'server' }, { fail: 'server' }, { fail: 'server' }] },
      });
      const store = redisStore({ url: server.url, prefix: 'tenants-fallback' });
      stores.push(store);
      const router = createRouter({ providers: [adapter], store, clock, tenants: { acme: { rpm: 3 } } });
      routers.push(router);
      const results = [1, 2, 3].map(() => router.chat({ ...ask('acme'), model: ['m', 'n'] }));
      // Each first attempt takes one of the 3; counted per attempt, the three fallbacks found the bucket
      // empty and waited for a refill (20 s of Redis time each).
      await vi.waitFor(() => expect(adapter.calls.filter((call) => call.model === 'n')).toHaveLength(3));
      expect((await Promise.all(results)).map((result) => result.model)).toEqual(['n', 'n', 'n']);
      expect(router.stats().tenants?.acme).toMatchObject({ requests: 3, rateLimited: 0 });
    });
  },
);
