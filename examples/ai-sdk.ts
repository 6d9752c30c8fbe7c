// Vercel AI SDK: the router is one model for generateText and streamText, over OpenAI and Google
// Gemini. The cheaper provider (the OpenAI simulator) answers 429 to the first call; the router falls
// back to Gemini inside the same generateText call, and the tool loop runs as with any AI SDK model.
//
//   pnpm tsx --conditions=@spillway/source examples/ai-sdk.ts
import { createSpillway } from '@spillway/ai-sdk';
import { createRouter } from '@spillway/core';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { setup } from './setup.js';

const { providers, close } = await setup([
  { kind: 'openai', models: ['gpt-5.4-mini'], faults: { script: ['rateLimit'] } },
  { kind: 'google', models: ['gemini-2.5-pro'] },
]);
const router = createRouter({ providers });
const spillway = createSpillway(router);

const getWeather = tool({
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 18, sky: 'clear' }),
});

type Route = {
  spillway?: { provider: string; model: string; attempts: { provider: string; outcome: string }[] };
};
const route = (metadata: unknown) => {
  const info = (metadata as Route | undefined)?.spillway;
  const path = info?.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`).join(' -> ');
  return `${info?.provider}/${info?.model} [${path}]`;
};

try {
  const answer = await generateText({
    model: spillway('auto', { require: { tools: true } }),
    prompt: 'What is the weather in Lisbon? Use the tool.',
    tools: { get_weather: getWeather },
    stopWhen: stepCountIs(4),
  });
  for (const [index, step] of answer.steps.entries()) {
    const calls = step.toolCalls.map((call) => `${call.toolName}(${JSON.stringify(call.input)})`);
    console.log(
      `generateText step ${index + 1}: ${step.finishReason} via ${route(step.providerMetadata)}${calls.length ? `, called ${calls.join(', ')}` : ''}`,
    );
  }
  console.log(`generateText answer: ${answer.text.slice(0, 60)}…`);

  const streamed = streamText({
    model: spillway('auto', { minCapability: 5 }),
    prompt: 'Weather in Oslo? Use the tool.',
    tools: { get_weather: getWeather },
    stopWhen: stepCountIs(4),
  });
  let chars = 0;
  for await (const part of streamed.fullStream) {
    if (part.type === 'text-delta') chars += part.text.length;
    if (part.type === 'tool-call')
      console.log(`streamText tool call: ${part.toolName}(${JSON.stringify(part.input)})`);
    if (part.type === 'tool-result') console.log(`streamText tool result: ${JSON.stringify(part.output)}`);
  }
  console.log(
    `streamText finished (${await streamed.finishReason}), ${chars} chars via ${route(await streamed.providerMetadata)}`,
  );
} finally {
  await router.close();
  await close();
}
