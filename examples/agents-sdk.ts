// OpenAI Agents SDK in its default mode (the Responses API) on the router: a triage agent with a tool
// and a handoff to a specialist. The drop-in client serves `responses.create`, so the SDK runs
// unchanged; the OpenAI simulator answers 429 to the first call and the router falls back mid-run.
//
//   pnpm tsx --conditions=@spillway/source examples/agents-sdk.ts
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { createRouter } from '@spillway/core';
import { createOpenAICompatibleClient } from '@spillway/openai';
import { z } from 'zod';
import { setup } from './setup.js';

setTracingDisabled(true); // traces would go to OpenAI's servers

const { providers, close } = await setup([
  { kind: 'openai', models: ['gpt-5.4-mini'], faults: { script: ['rateLimit'] } },
  { kind: 'anthropic', models: ['claude-haiku-4-5'] },
]);
const router = createRouter({ providers });
// unknownModel: 'auto' lets agents that keep the SDK's default model id be routed too.
const client = createOpenAICompatibleClient(router, { unknownModel: 'auto' });
const runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient: client }) });

const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `${city}: 18C, clear`,
});
const specialist = new Agent({
  name: 'specialist',
  instructions: 'You plan trips in detail.',
  model: 'auto',
});
const triage = new Agent({
  name: 'triage',
  instructions: 'Answer weather questions with get_weather; hand trip planning to the specialist.',
  model: 'auto',
  tools: [getWeather],
  handoffs: [specialist],
});

try {
  const weather = await runner.run(triage, 'What is the weather in Lisbon? Please call get_weather.');
  for (const item of weather.newItems) {
    if (item.type === 'tool_call_item' && item.rawItem.type === 'function_call') {
      console.log(`tool call: ${item.rawItem.name}(${item.rawItem.arguments})`);
    }
    if (item.type === 'tool_call_output_item') console.log(`tool output: ${String(item.output)}`);
  }
  console.log(`weather answer by ${weather.lastAgent?.name}: ${String(weather.finalOutput).slice(0, 50)}…`);

  const trip = await runner.run(triage, 'Plan three days in Kyoto. Please call transfer_to_specialist.', {
    stream: true,
  });
  let chars = 0;
  for await (const event of trip) {
    if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
      chars += event.data.delta.length;
    }
    if (event.type === 'agent_updated_stream_event') console.log(`handoff to: ${event.agent.name}`);
  }
  await trip.completed;
  console.log(`trip answer by ${trip.lastAgent?.name}, streamed ${chars} chars`);
  const stats = router.stats().providers;
  console.log(`429s absorbed: ${stats.openai?.rateLimited ?? 0}`);
} finally {
  await router.close();
  await close();
}
