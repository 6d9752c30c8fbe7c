// Gateway: the router over HTTP, for agents that are not TypeScript (or not yours). Any OpenAI or
// Anthropic client points its base URL at the gateway and uses a virtual key; the provider keys stay
// inside. Here the OpenAI simulator answers 429 to the first call: the client still gets a normal
// answer, served by Anthropic.
//
//   pnpm tsx --conditions=@spillway/source examples/gateway.ts
import Anthropic from '@anthropic-ai/sdk';
import { createRouter } from '@spillway/core';
import { hashKey, startGateway } from '@spillway/gateway';
import OpenAI from 'openai';
import { setup } from './setup.js';

const { providers, close } = await setup([
  { kind: 'openai', models: ['gpt-5.4-mini'], faults: { script: ['rateLimit'] } },
  { kind: 'anthropic', models: ['claude-haiku-4-5'] },
]);
const router = createRouter({ providers });
// The key a team uses; the gateway keeps only its hash.
const teamKey = 'sk-team-a-example-key';
const gateway = await startGateway({ router, keys: [{ sha256: hashKey(teamKey), tenant: 'team-a' }] });
console.log(`gateway listening on ${gateway.url}`);

try {
  // What a Python agent does with `OpenAI(base_url=…, api_key=…)`, here with the JS SDK.
  const openaiClient = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: teamKey });
  const completion = await openaiClient.chat.completions.create({
    model: 'auto',
    messages: [{ role: 'user', content: 'Why do rate limits exist?' }],
  });
  console.log(`openai client: ${completion.object} from ${completion.model} (after a 429 it never saw)`);

  const anthropicClient = new Anthropic({ baseURL: gateway.url, apiKey: teamKey });
  const message = await anthropicClient.messages.create({
    model: 'auto',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'What is a circuit breaker?' }],
  });
  console.log(`anthropic client: ${message.type} from ${message.model}`);

  const refused = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 }).models
    .list()
    .catch((error: unknown) => error);
  console.log(
    `a wrong key: ${refused instanceof OpenAI.AuthenticationError ? '401 AuthenticationError' : refused}`,
  );
} finally {
  await gateway.close();
  await router.close();
  await close();
}
