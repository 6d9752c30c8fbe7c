// A tool-using agent loop: the model asks for a tool, we run it and send the result back, until the
// model answers in text. Every turn is routed on its own (only models with tool support qualify), so
// one conversation may be served by more than one provider.
//
//   pnpm tsx --conditions=@spillway/source examples/tool-agent-loop.ts
import { createRouter, type Message, type ToolDefinition } from '@spillway/core';
import { setup } from './setup.js';

const tools: ToolDefinition[] = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

function runTool(name: string, args: unknown): string {
  if (name === 'get_weather')
    return JSON.stringify({ city: (args as { city?: string }).city ?? '?', celsius: 18, sky: 'clear' });
  return JSON.stringify({ error: `unknown tool ${name}` });
}

const { providers, close } = await setup();
const router = createRouter({ providers });
const messages: Message[] = [
  { role: 'system', content: 'You are a helpful assistant. Use the tools for facts.' },
  { role: 'user', content: 'Use the tool to check the weather in Paris, then tell me if I need a coat.' },
];

try {
  for (let turn = 1; turn <= 5; turn++) {
    const result = await router.chat({ messages, tools, require: { tools: true }, maxTokens: 200 });
    console.log(`turn ${turn}: ${result.provider}/${result.model} finished with ${result.finishReason}`);
    if (result.toolCalls.length === 0) {
      console.log(`answer: ${result.text.slice(0, 80)}`);
      break;
    }
    messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls });
    for (const call of result.toolCalls) {
      const output = runTool(call.name, call.arguments);
      console.log(`  tool ${call.name}(${JSON.stringify(call.arguments)}) → ${output}`);
      messages.push({ role: 'tool', toolCallId: call.id, content: output });
    }
  }
} finally {
  await router.close();
  await close();
}
