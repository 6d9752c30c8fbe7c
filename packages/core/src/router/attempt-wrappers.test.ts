import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { AdapterResult, AdapterStreamEvent, ProviderAdapter } from '../spec.js';
import { FakeClock } from '../testing/index.js';
import type { AttemptScope } from './attempt-wrappers.js';
import { createRouter } from './router.js';
import { recordingLogger, say } from './test-helpers.js';

const RESULT: AdapterResult = {
  text: 'ok',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
};

/** An adapter that notes which context (the store of `als`) each of its calls ran in. */
function contextAdapter(name: string, als: AsyncLocalStorage<string>, failFirst = false, usdPerMTok = 1) {
  const seen: Array<string | undefined> = [];
  let calls = 0;
  const adapter: ProviderAdapter = {
    specificationVersion: 'v1',
    name,
    kind: 'test',
    models: [
      {
        id: `${name}-m`,
        capability: 5,
        inputUsdPerMTok: usdPerMTok,
        outputUsdPerMTok: usdPerMTok,
        contextWindow: 8_000,
      },
    ],
    async doGenerate() {
      seen.push(als.getStore());
      // A yield first, so a context that did not follow the awaits would show here.
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(als.getStore());
      if (failFirst && calls++ === 0) throw Object.assign(new Error('busy'), { status: 503 });
      return RESULT;
    },
    async doStream() {
      seen.push(als.getStore());
      async function* events(): AsyncGenerator<AdapterStreamEvent> {
        // The body starts at the first read: a lazy adapter's HTTP call would be here.
        seen.push(als.getStore());
        yield { type: 'text-delta', text: 'o' };
        seen.push(als.getStore());
        yield { type: 'finish', finishReason: 'stop', usage: RESULT.usage };
      }
      return { events: events() };
    },
  };
  return { adapter, seen };
}

function routerWith(adapters: ProviderAdapter[]) {
  const logger = recordingLogger();
  const router = createRouter({ providers: adapters, clock: new FakeClock(), logger });
  return { router, logger };
}

const label = (scope: AttemptScope) => `${scope.requestId}#${scope.attempt} ${scope.provider}/${scope.model}`;

describe('router.wrapAttempts', () => {
  it('runs each chat attempt inside the wrapper, with its scope, and parallel requests keep their own', async () => {
    const als = new AsyncLocalStorage<string>();
    const { adapter, seen } = contextAdapter('a', als);
    const { router } = routerWith([adapter]);
    const scopes: AttemptScope[] = [];
    router.wrapAttempts((scope, call) => {
      scopes.push(scope);
      return als.run(label(scope), call);
    });
    await Promise.all([router.chat(say('one')), router.chat(say('two'))]);
    expect(scopes.map(label).sort()).toEqual(['req_1#1 a/a-m', 'req_2#1 a/a-m']);
    // Each call saw its own request's context before and after its await, interleaved as they ran.
    expect(seen.filter((store) => store === 'req_1#1 a/a-m')).toHaveLength(2);
    expect(seen.filter((store) => store === 'req_2#1 a/a-m')).toHaveLength(2);
    expect(als.getStore()).toBeUndefined();
  });

  it("a fallback is a new attempt with its own scope; the adapter's failure still fails its attempt", async () => {
    const als = new AsyncLocalStorage<string>();
    // The cheaper "a" fails its first call, then the router falls back to "b".
    const first = contextAdapter('a', als, true, 0.1);
    const second = contextAdapter('b', als);
    const { router } = routerWith([first.adapter, second.adapter]);
    router.wrapAttempts((scope, call) => als.run(label(scope), call));
    const result = await router.chat(say('hi'));
    expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual([
      'a:adapter_error',
      'b:success',
    ]);
    expect(first.seen).toEqual(['req_1#1 a/a-m', 'req_1#1 a/a-m']);
    expect(second.seen).toEqual(['req_1#2 b/b-m', 'req_1#2 b/b-m']);
  });

  it('opens a stream and reads every chunk inside the wrapper', async () => {
    const als = new AsyncLocalStorage<string>();
    const { adapter, seen } = contextAdapter('a', als);
    const { router } = routerWith([adapter]);
    router.wrapAttempts((scope, call) => als.run(label(scope), call));
    const stream = router.stream(say('hi'));
    for await (const _ of stream);
    expect((await stream.result).text).toBe('o');
    expect(seen).toEqual(['req_1#1 a/a-m', 'req_1#1 a/a-m', 'req_1#1 a/a-m']);
  });

  it('nests wrappers in the order added, and removing one leaves the others', async () => {
    const als = new AsyncLocalStorage<string>();
    const { adapter, seen } = contextAdapter('a', als);
    const { router } = routerWith([adapter]);
    const order: string[] = [];
    const removeOuter = router.wrapAttempts((_scope, call) => {
      order.push('outer');
      return als.run('outer', call);
    });
    router.wrapAttempts((_scope, call) => {
      order.push(`inner sees ${als.getStore()}`);
      return als.run('inner', call);
    });
    await router.chat(say('hi'));
    expect(order).toEqual(['outer', 'inner sees outer']);
    expect(seen).toEqual(['inner', 'inner']);
    removeOuter();
    removeOuter();
    order.length = 0;
    await router.chat(say('hi'));
    expect(order).toEqual(['inner sees undefined']);
  });

  it("a wrapper's fault is logged, never the provider's: the call runs once either way", async () => {
    const als = new AsyncLocalStorage<string>();
    const { adapter, seen } = contextAdapter('a', als);
    const { router, logger } = routerWith([adapter]);
    const remove = router.wrapAttempts(() => {
      throw new Error('tracer broke');
    });
    const result = await router.chat(say('hi'));
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
    remove();
    router.wrapAttempts((() => 'not the call') as never);
    expect((await router.chat(say('hi'))).attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
    expect(seen).toHaveLength(4);
    expect(logger.lines.join('\n')).toMatch(/attempt wrapper threw.*tracer broke/);
    expect(logger.lines.join('\n')).toMatch(/attempt wrapper did not run the call/);
    expect(router.stats().providers.a?.models['a-m']).toMatchObject({ successes: 2, failures: {} });
  });

  it('rejects a wrapper that is not a function with ConfigError', () => {
    const { router } = routerWith([contextAdapter('a', new AsyncLocalStorage()).adapter]);
    expect(() => router.wrapAttempts('trace' as never)).toThrow(ConfigError);
  });
});
