// OpenAI drop-in: agent code written against the official openai SDK runs unchanged on the router.
// The only line that changes is where the client comes from. Requests go to whichever provider is
// cheapest and available (here the OpenAI simulator answers 429 to the first call, and the router
// falls back); results keep OpenAI's shapes, with the routing details one call away.
//
//   pnpm tsx --conditions=@spillway/source examples/openai-drop-in.ts
import { createRouter, routingInfo } from '@spillway/core';
import { createOpenAICompatibleClient } from '@spillway/openai';
import type OpenAI from 'openai';
import { setup } from './setup.js';

// Existing agent code: it knows nothing about the router.
async function answer(client: Pick<OpenAI, 'chat'>, question: string) {
  return client.chat.completions.create({
    model: 'capable',
    messages: [
      { role: 'system', content: 'Answer in one sentence.' },
      { role: 'user', content: question },
    ],
    max_completion_tokens: 60,
  });
}

const { providers, close, live } = await setup([
  { kind: 'openai', models: ['gpt-5.4-mini', 'gpt-5.5'], faults: { script: ['rateLimit'] } },
  { kind: 'anthropic', models: ['claude-haiku-4-5', 'claude-sonnet-5'] },
]);
const router = createRouter({ providers });
// Was: const client = new OpenAI();
const client = createOpenAICompatibleClient(router, { aliases: { capable: { minCapability: 6 } } });
console.log(
  `drop-in over ${providers.map((provider) => provider.name).join(', ')}${live ? ' (live)' : ' (simulated)'}`,
);

try {
  for (const question of ['Why do rate limits exist?', 'What is a circuit breaker?']) {
    const completion = await answer(client, question);
    const info = routingInfo(completion);
    const path = info?.attempts.map((attempt) => `${attempt.provider}/${attempt.model}:${attempt.outcome}`);
    console.log(`${completion.object} from ${info?.provider}/${info?.model} via [${path?.join(' -> ')}]`);
    console.log(`  ${completion.choices[0]?.message.content?.slice(0, 70)}…`);
  }
} finally {
  await router.close();
  await close();
}
