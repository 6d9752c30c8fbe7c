import { describe, expect, it } from 'vitest';
import { ConfigError, DeadlineExceededError, QueueFullError } from '../errors.js';
import type { RouterOptions } from '../router/options.js';
import { say, setup } from '../router/test-helpers.js';
import type { ScriptedAdapter } from '../testing/index.js';
import type { ChatRequest, ChatResult } from '../types.js';

const model = { id: 'm', capability: 5, inputUsdPerMTok: 1, outputUsdPerMTok: 1, limits: { rpm: 60 } };

function router(options: Partial<RouterOptions> = {}, limits: { rpm: number } = { rpm: 60 }) {
  return setup([{ name: 'p', models: [{ ...model, limits }] }], { queue: { maxWaiting: 1_000 }, ...options });
}

const ask = (tenant: string | undefined, text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  ...say(text),
  ...(tenant === undefined ? {} : { tenant }),
  ...extra,
});

/** Who was served, in order: the first letter of each call's prompt. */
const served = (adapter: ScriptedAdapter | undefined, from = 0, to?: number) =>
  (adapter?.calls ?? [])
    .slice(from, to)
    .map((call) => String(call.call.messages[0]?.content).slice(0, 1))
    .join('');

const flood = (
  route: (request: ChatRequest) => Promise<ChatResult>,
  tenant: string | undefined,
  count: number,
) => Array.from({ length: count }, (_, index) => route(ask(tenant, `${tenant ?? 'd'}${index}`)));

describe('tenants share a saturated model (fake clock)', () => {
  it('a tenant flooding a 60 rpm model does not starve another: B gets every other turn', async () => {
    const { router: r, clock, adapters } = router();
    const queued: Array<{ tenant?: string }> = [];
    r.on('queued', (event) => queued.push(event));
    const chat = (request: ChatRequest) => r.chat(request);
    const many = flood(chat, 'a', 300);
    const few = flood(chat, 'b', 10);
    await clock.flush();
    // The burst the bucket holds goes first, in arrival order; then the queue takes over.
    expect(served(adapters[0])).toBe('a'.repeat(60));
    await clock.advance(20_000);
    expect(served(adapters[0], 60)).toBe('ab'.repeat(10));
    const results = await Promise.all(few);
    expect(results.map((result) => result.attempts.at(-1)?.waitedMs)).toEqual(
      Array.from({ length: 10 }, (_, index) => 2_000 * (index + 1)),
    );
    await clock.advance(230_000);
    await Promise.all(many);
    expect(served(adapters[0], 80)).toBe('a'.repeat(230));
    expect(r.stats().tenants).toEqual({
      a: { requests: 300, waited: 240, rateLimited: 0 },
      b: { requests: 10, waited: 10, rateLimited: 0 },
    });
    // Each wait says whose request it is.
    expect(queued.filter((event) => event.tenant === 'a')).toHaveLength(240);
    expect(queued.filter((event) => event.tenant === 'b')).toHaveLength(10);
    expect(queued.every((event) => event.tenant !== undefined)).toBe(true);
  });

  it('weights 3:1 give three turns to one for each of the other while both wait', async () => {
    const { router: r, clock, adapters } = router({ tenants: { a: { weight: 3 } } });
    const chat = (request: ChatRequest) => r.chat(request);
    const all = [...flood(chat, 'a', 100), ...flood(chat, 'b', 60)];
    await clock.flush();
    await clock.advance(40_000);
    expect(served(adapters[0], 60)).toBe('abaa' + 'abaa'.repeat(9));
    await clock.advance(100_000);
    await Promise.all(all);
  });

  it('an idle tenant’s share goes to the other; when it comes back it is not owed the idle turns', async () => {
    const { router: r, clock, adapters } = router();
    const chat = (request: ChatRequest) => r.chat(request);
    const many = flood(chat, 'a', 100);
    await clock.flush();
    // Alone, A gets every refill: one a second after the burst.
    await clock.advance(20_000);
    expect(served(adapters[0])).toBe('a'.repeat(80));
    const late = flood(chat, 'b', 5);
    await clock.advance(12_000);
    // B joins at the virtual time A reached: its first turn is the next one, then they alternate.
    expect(served(adapters[0], 80)).toBe('ba'.repeat(5) + 'aa');
    await clock.advance(20_000);
    await Promise.all([...many, ...late]);
  });

  it('requests without a tenant are the tenant "default", configured under that id', async () => {
    const { router: r, clock, adapters } = router({ tenants: { default: { weight: 2 } } });
    const chat = (request: ChatRequest) => r.chat(request);
    const all = [...flood(chat, undefined, 70), ...flood(chat, 'b', 10)];
    await clock.flush();
    await clock.advance(9_000);
    expect(served(adapters[0], 60)).toBe('dbddbddbd');
    expect(r.stats().tenants?.default?.requests).toBe(70);
    await clock.advance(60_000);
    await Promise.all(all);
  });

  it('an aborted or timed-out queued request leaves the line; the rest keep their turns', async () => {
    const { router: r, clock, adapters } = router();
    const chat = (request: ChatRequest) => r.chat(request);
    const many = flood(chat, 'a', 64);
    const kept = r.chat(ask('b', 'b-kept'));
    const controller = new AbortController();
    const aborted = r.chat(ask('b', 'x-aborted', { signal: controller.signal })).catch((error) => error);
    // Behind b-kept in b's line: its deadline passes while it waits there.
    const late = r.chat(ask('b', 'y-late', { timeoutMs: 2_500 })).catch((error) => error);
    await clock.flush();
    controller.abort();
    expect(((await aborted) as Error).name).toBe('AbortError');
    await clock.advance(2_500);
    expect(DeadlineExceededError.isInstance(await late)).toBe(true);
    await clock.advance(2_500);
    await kept;
    await Promise.all(many);
    // After the burst: a, then b's turn, then a's (b has no one left waiting).
    expect(served(adapters[0], 60)).toBe('abaaa');
    expect(adapters[0]?.calls.map((call) => call.at - (adapters[0]?.calls[0]?.at ?? 0)).slice(60)).toEqual([
      1_000, 2_000, 3_000, 4_000, 5_000,
    ]);
  });

  it('a flood past queue.maxWaiting does not keep another tenant out of the queue', async () => {
    const { router: r, clock, adapters } = router({ queue: { maxWaiting: 20 } });
    const settle = (promise: Promise<ChatResult>) =>
      promise.then(
        () => 'served',
        (error: Error) => (QueueFullError.isInstance(error) ? 'full' : error.name),
      );
    const many = flood((request) => r.chat(request), 'a', 100).map(settle);
    const few = flood((request) => r.chat(request), 'b', 5).map(settle);
    await clock.flush();
    // B's five take the places of A's five latest waiters (B's share of 20 is 10).
    await clock.advance(10_000);
    expect(served(adapters[0], 60)).toBe('ab'.repeat(5));
    await clock.advance(20_000);
    expect(await Promise.all(few)).toEqual(Array(5).fill('served'));
    const outcomes = await Promise.all(many);
    expect(outcomes.filter((outcome) => outcome === 'served')).toHaveLength(75);
    expect(outcomes.filter((outcome) => outcome === 'full')).toHaveLength(25);
  });

  it('refuses bad tenant options with a ConfigError naming the field', () => {
    expect(() => router({ tenants: { a: { weight: 0 } } })).toThrow(ConfigError);
    expect(() => router({ tenants: { a: { rpm: -1 } } })).toThrow(/tenants\["a"\]\.rpm/);
    expect(() => router({ tenants: { a: { tpm: Number.NaN } } })).toThrow(/tenants\["a"\]\.tpm/);
  });
});

describe('per-tenant rpm/tpm (memory store, fake clock)', () => {
  it('a tenant over its own rpm waits for its bucket; other tenants go on', async () => {
    const { router: r, clock, adapters } = router({ tenants: { a: { rpm: 2 } } }, { rpm: 600 });
    const chat = (request: ChatRequest) => r.chat(request);
    const limited = flood(chat, 'a', 4);
    const free = flood(chat, 'b', 3);
    await clock.flush();
    expect(served(adapters[0])).toBe('aabbb');
    await clock.advance(30_000);
    expect(served(adapters[0])).toBe('aabbba');
    await clock.advance(30_000);
    await Promise.all([...limited, ...free]);
    const start = adapters[0]?.calls[0]?.at ?? 0;
    expect(adapters[0]?.calls.map((call) => call.at - start)).toEqual([0, 0, 0, 0, 0, 30_000, 60_000]);
    expect(r.stats().tenants?.a).toMatchObject({ requests: 4, waited: 2, rateLimited: 2 });
    expect(r.stats().tenants?.a?.budget?.requests?.capacity).toBe(2);
  });

  it('rpm counts requests, not attempts: a fallback and a hedge take no second request from the tenant', async () => {
    const fallback = setup(
      [
        {
          name: 'p',
          models: [
            { ...model, id: 'm' },
            { ...model, id: 'n' },
          ],
          script: { m: [{ fail: 'server' }] },
        },
      ],
      { tenants: { a: { rpm: 2 } } },
    );
    const [p] = fallback.adapters;
    const first = await fallback.router.chat(ask('a', 'one', { model: ['m', 'n'] }));
    expect(first.attempts.map((attempt) => `${attempt.model}:${attempt.outcome}`)).toEqual([
      'm:server',
      'n:success',
    ]);
    // The tenant's second request of its 2 rpm goes at once: the fallback was the same request.
    const second = fallback.router.chat(ask('a', 'two', { model: ['m', 'n'] }));
    await fallback.clock.flush();
    expect(p?.calls.map((call) => call.at - (p?.calls[0]?.at ?? 0))).toEqual([0, 0, 0]);
    await second;
    expect(fallback.router.stats().tenants?.a).toMatchObject({ requests: 2, waited: 0, rateLimited: 0 });

    const hedged = setup(
      [
        {
          name: 'a',
          models: [{ ...model, id: 'x', inputUsdPerMTok: 0.1 }],
          script: { x: [{ reply: 'x', latencyMs: 1_000 }] },
        },
        { name: 'b', models: [{ ...model, id: 'y' }], script: { y: [{ reply: 'y', latencyMs: 100 }] } },
      ],
      { tenants: { a: { rpm: 2 } }, hedge: { afterMs: 200 } },
    );
    const raced = hedged.router.chat(ask('a', 'one'));
    await hedged.clock.advance(300);
    expect((await raced).attempts.some((attempt) => attempt.hedge)).toBe(true);
    const next = hedged.router.chat(ask('a', 'two'));
    await hedged.clock.flush();
    // Sent at 300 ms, not after the tenant's bucket refilled a request (30 s).
    const calls = hedged.adapters.flatMap((adapter) => adapter.calls).map((call) => call.at);
    expect(calls).toHaveLength(3);
    expect(Math.max(...calls) - Math.min(...calls)).toBe(300);
    await hedged.clock.advance(1_000);
    await next;
    expect(hedged.router.stats().tenants?.a).toMatchObject({ requests: 2, rateLimited: 0 });
  });

  it('tpm counts the tokens a tenant reserves and uses; a request larger than it ever holds is refused', async () => {
    const { router: r, clock, adapters } = router({ tenants: { a: { tpm: 100 } } }, { rpm: 600 });
    const big = await r.chat(ask('a', 'x', { maxTokens: 500 })).catch((error) => error);
    expect((big as Error).message).toMatch(/tenant "a"'s tpm can ever hold/);
    expect(adapters[0]?.calls).toHaveLength(0);
    // The first holds 60 + its prompt of the 100 until it settles to what it used (a few tokens).
    adapters[0]?.push('m', { reply: 'ok', latencyMs: 5_000 });
    const first = r.chat(ask('a', 'one', { maxTokens: 60 }));
    const second = r.chat(ask('a', 'two', { maxTokens: 60 }));
    await clock.advance(4_999);
    expect(adapters[0]?.calls).toHaveLength(1);
    await clock.advance(1);
    await Promise.all([first, second]);
    const start = adapters[0]?.calls[0]?.at ?? 0;
    expect(adapters[0]?.calls.map((call) => call.at - start)).toEqual([0, 5_000]);
  });
});
