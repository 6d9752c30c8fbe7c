// Streaming: `router.stream()` yields text as it arrives. Before the first token, fallback is free: the
// cheapest provider is overloaded here, and the stream moves on to the next one without the caller
// noticing. After content has been delivered, a cut is never hidden or restarted: the stream ends with
// StreamInterruptedError carrying the partial text.
//
//   pnpm tsx --conditions=@spillway/source examples/streaming.ts
import { createRouter, StreamInterruptedError } from '@spillway/core';
import { setup } from './setup.js';

const { providers, close } = await setup([
  {
    kind: 'groq',
    models: ['openai/gpt-oss-20b'],
    faults: { script: ['overloaded', 'ok', { outcome: 'cutMidStream', afterChunks: 3 }] },
  },
  { kind: 'openai', models: ['gpt-5.4-mini'] },
]);
const router = createRouter({ providers });

async function streamOnce(label: string) {
  const stream = router.stream({
    messages: [{ role: 'user', content: `${label}: explain rate limits.` }],
    maxTokens: 60,
  });
  let chars = 0;
  try {
    for await (const event of stream) {
      if (event.type === 'start') console.log(`${label}: streaming from ${event.provider}/${event.model}`);
      else if (event.type === 'fallback')
        console.log(`${label}: fallback ${event.from.provider} (${event.failure}) → ${event.to.provider}`);
      else if (event.type === 'text-delta') chars += event.text.length;
      else if (event.type === 'finish')
        console.log(
          `${label}: finished (${event.finishReason}), ${chars} chars, $${event.costUsd.toFixed(6)}`,
        );
    }
  } catch (error) {
    if (!StreamInterruptedError.isInstance(error)) throw error;
    console.log(
      `${label}: interrupted after ${error.partialText.length} chars (${error.failure}); partial text kept`,
    );
  }
}

try {
  await streamOnce('first');
  await streamOnce('second');
  await streamOnce('third');
} finally {
  await router.close();
  await close();
}
