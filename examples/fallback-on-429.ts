// Fallback on 429: the cheapest provider answers the first requests with 429 (as if another process
// had used up the key's limit). The router puts that model on a cooldown and answers from the next
// candidate at once: the caller never sees the 429.
//
//   pnpm tsx --conditions=@spillway/source examples/fallback-on-429.ts
import { createRouter } from '@spillway/core';
import { setup } from './setup.js';

const { providers, close, live } = await setup([
  {
    kind: 'groq',
    models: ['openai/gpt-oss-20b'],
    faults: { script: ['rateLimit', 'rateLimit', 'rateLimit'] },
  },
  { kind: 'openai', models: ['gpt-5.4-mini'] },
  { kind: 'anthropic', models: ['claude-haiku-4-5'] },
]);
const router = createRouter({ providers });
router.on('fallback', (event) =>
  console.log(
    `  fallback: ${event.from.provider}/${event.from.model} (${event.failure}) → ${event.to.provider}/${event.to.model}`,
  ),
);
router.on('cooldown-start', (event) =>
  console.log(
    `  cooldown: ${event.provider}/${event.model} until +${Math.round(event.until - Date.now())} ms`,
  ),
);
if (live) console.log('(live: real 429s are rare, so you may see no fallback)');

try {
  for (let index = 1; index <= 3; index++) {
    const result = await router.chat({
      messages: [{ role: 'user', content: `Question ${index}: what is a token bucket?` }],
      maxTokens: 60,
    });
    const path = result.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`).join(' → ');
    console.log(`request ${index}: served by ${result.provider}/${result.model} after ${path}`);
  }
} finally {
  await router.close();
  await close();
}
