// Response cache: a repeated prompt is answered at $0 without touching a provider or its rate limit,
// identical requests in flight at once share one call, and a stream is replayed as events.
//
//   pnpm tsx --conditions=@spillway/source examples/response-cache.ts
//
// Caching is exact: a temperature above 0 is cached too. Send `cache: false` for a fresh sample.
import { type ChatRequest, createRouter, memoryCache } from '@spillway/core';
import { setup } from './setup.js';

const { providers, close, sims, live } = await setup([{ kind: 'openai', models: ['gpt-5.4-mini'] }]);
const router = createRouter({ providers, cache: memoryCache({ maxEntries: 1_000, ttlMs: 3_600_000 }) });
router.on('cache-hit', (event) => {
  if (!event.coalesced) console.log(`  cache-hit: stored answer, saved $${event.savedUsd.toFixed(6)}`);
});

const ask = (content: string): ChatRequest => ({ messages: [{ role: 'user', content }], maxTokens: 120 });
const calls = () => (live ? 'n/a (live)' : String(sims.openai?.stats().requests));

try {
  const first = await router.chat(ask('Name three rivers in Europe.'));
  console.log(`first ask: cache ${first.cache}, cost $${first.costUsd.toFixed(6)}`);
  const again = await router.chat(ask('Name three rivers in Europe.'));
  console.log(
    `same ask: cache ${again.cache}, cost $${again.costUsd.toFixed(6)}, same text: ${again.text === first.text}`,
  );

  const burst = await Promise.all(Array.from({ length: 10 }, () => router.chat(ask('Name a mountain.'))));
  console.log(
    `10 identical asks at once: ${burst.filter((result) => result.cache === 'miss').length} provider call`,
  );

  const stream = router.stream(ask('Name three rivers in Europe.'));
  const types: string[] = [];
  for await (const event of stream) types.push(event.type);
  console.log(
    `stream of the first ask, replayed: ${[...new Set(types)].join(', ')}; cache ${(await stream.result).cache}`,
  );

  const fresh = await router.chat({ ...ask('Name three rivers in Europe.'), cache: false });
  console.log(`cache: false asks again: cache ${fresh.cache}`);

  const { hits, misses, coalesced, savedUsd } = router.stats().cache ?? {
    hits: 0,
    misses: 0,
    coalesced: 0,
    savedUsd: 0,
  };
  console.log(
    `stats: ${hits} hits, ${coalesced} coalesced, ${misses} misses, saved $${savedUsd.toFixed(6)}; provider calls: ${calls()}`,
  );
} finally {
  await router.close();
  await close();
}
