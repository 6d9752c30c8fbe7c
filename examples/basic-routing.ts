// Basic routing: one router over four providers (Groq, OpenAI, Anthropic, Google Gemini). Each request
// goes to the cheapest model that meets what it asks for (capability, tools), and the result says who
// served it and what it cost: at capability 8, Gemini 2.5 Pro costs less than Claude Sonnet.
//
//   pnpm tsx --conditions=@spillway/source examples/basic-routing.ts
import { createRouter } from '@spillway/core';
import { setup } from './setup.js';

const { providers, close, live } = await setup();
const router = createRouter({ providers });
console.log(
  `providers: ${providers.map((provider) => provider.name).join(', ')}${live ? ' (live)' : ' (simulated)'}`,
);

try {
  const requests = {
    'a quick label (any model)': {
      messages: [{ role: 'user' as const, content: 'Label this: "app crashes on login"' }],
      maxTokens: 20,
    },
    'a careful plan (capability >= 8)': {
      messages: [{ role: 'user' as const, content: 'Plan a zero-downtime database migration.' }],
      minCapability: 8,
      maxTokens: 200,
    },
    'a tool call (needs tools)': {
      messages: [{ role: 'user' as const, content: 'Use the tool to look up order 42.' }],
      tools: [
        {
          name: 'lookup_order',
          description: 'Find an order by id',
          parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        },
      ],
      require: { tools: true },
      maxTokens: 100,
    },
  };
  for (const [label, request] of Object.entries(requests)) {
    const result = await router.chat(request);
    const calls = result.toolCalls
      .map((call) => `${call.name}(${JSON.stringify(call.arguments)})`)
      .join(', ');
    console.log(
      `${label}: ${result.provider}/${result.model}, ${result.usage.totalTokens} tokens, $${result.costUsd.toFixed(6)}` +
        (calls ? `, tool calls: ${calls}` : `, "${result.text.slice(0, 40)}…"`),
    );
  }
} finally {
  await router.close();
  await close();
}
