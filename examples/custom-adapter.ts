// A custom adapter: any backend can join the router by implementing ProviderAdapter. Here an in-house
// FAQ service answers for free (so it ranks first for easy requests), says what it can and cannot do,
// and classifies its own failures so the router knows to fall back.
//
//   pnpm tsx --conditions=@spillway/source examples/custom-adapter.ts
import {
  type AdapterCall,
  type AdapterResult,
  createRouter,
  type ProviderAdapter,
  ProviderError,
  SPECIFICATION_VERSION,
} from '@spillway/core';
import { setup } from './setup.js';

const FAQ: Record<string, string> = {
  refund: 'Refunds are processed within 5 business days.',
  hours: 'Support is open 9:00-17:00 CET, Monday to Friday.',
};

function faqService(): ProviderAdapter {
  let calls = 0;
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: 'faq',
    kind: 'faq',
    models: [
      {
        id: 'faq-v1',
        capability: 2,
        inputUsdPerMTok: 0,
        outputUsdPerMTok: 0,
        contextWindow: 4_000,
        supports: { tools: false, vision: false, json: false, streaming: false },
      },
    ],
    async doGenerate(call: AdapterCall): Promise<AdapterResult> {
      calls++;
      // Every third call the service is "overloaded": say so with a failure class, never retry here.
      if (calls % 3 === 0)
        throw new ProviderError('faq service is busy', {
          failure: 'overloaded',
          provider: 'faq',
          model: call.model,
          status: 503,
        });
      const last = call.messages.at(-1);
      const question = typeof last?.content === 'string' ? last.content.toLowerCase() : '';
      const topic = Object.keys(FAQ).find((key) => question.includes(key));
      const text = topic ? (FAQ[topic] as string) : 'I only know about refunds and hours.';
      const inputTokens = Math.ceil(question.length / 4);
      const outputTokens = Math.ceil(text.length / 4);
      return {
        text,
        toolCalls: [],
        finishReason: 'stop',
        usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      };
    },
    async doStream() {
      throw new ProviderError('faq service does not stream', {
        failure: 'invalid_request',
        provider: 'faq',
        model: 'faq-v1',
      });
    },
  };
}

const simulated = await setup([{ kind: 'groq', models: ['openai/gpt-oss-120b'] }]);
const router = createRouter({ providers: [faqService(), ...simulated.providers] });

try {
  const questions = [
    { content: 'How long does a refund take?' },
    { content: 'What are your hours?' },
    { content: 'Refund status, please?' },
    { content: 'Compare two refund policies and recommend one.', minCapability: 5 },
  ];
  for (const { content, minCapability } of questions) {
    const result = await router.chat({
      messages: [{ role: 'user', content }],
      maxTokens: 80,
      ...(minCapability ? { minCapability } : {}),
    });
    const path = result.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`).join(' → ');
    console.log(`"${content}" → ${result.provider}/${result.model} (${path}), $${result.costUsd.toFixed(6)}`);
  }
} finally {
  await router.close();
  await simulated.close();
}
