// LangChain.js: ChatOpenAI with tools, its HTTP layer the router through createRouterFetch. The
// cheapest provider (the OpenAI simulator) answers 429 to the first call; the router falls back
// inside the same invoke, and the tool result goes back for a text answer.
//
//   pnpm tsx --conditions=@spillway/source examples/langchain.ts
import { type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { createRouter } from '@spillway/core';
import { createRouterFetch } from '@spillway/openai';
import { setup } from './setup.js';

const { providers, close } = await setup([
  { kind: 'openai', models: ['gpt-5.4-mini'], faults: { script: ['rateLimit'] } },
  { kind: 'anthropic', models: ['claude-haiku-4-5'] },
]);
const router = createRouter({ providers });

const model = new ChatOpenAI({
  model: 'auto',
  apiKey: 'unused', // the router holds the provider keys
  configuration: { baseURL: 'http://spillway.invalid/v1', fetch: createRouterFetch(router) },
}).bindTools([
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
]);

try {
  const messages: BaseMessage[] = [new HumanMessage('What is the weather in Lisbon? Use the tool.')];
  const first = await model.invoke(messages);
  for (const call of first.tool_calls ?? [])
    console.log(`tool call: ${call.name}(${JSON.stringify(call.args)})`);
  messages.push(first);
  for (const call of first.tool_calls ?? []) {
    messages.push(new ToolMessage({ content: '18C, clear', tool_call_id: call.id ?? '' }));
  }
  const answer = await model.invoke(messages);
  console.log(`answer: ${String(answer.content).slice(0, 60)}…`);
  const stats = router.stats().providers;
  console.log(
    `served by anthropic: ${stats.anthropic?.successes ?? 0}, 429s absorbed: ${stats.openai?.rateLimited ?? 0}`,
  );
} finally {
  await router.close();
  await close();
}
