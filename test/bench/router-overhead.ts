// Measures what the router adds around an adapter call: validation, ranking, the attempt loop,
// events and stats. The adapter answers at once, so the time per request is the router's overhead.
import {
  type AdapterResult,
  type AdapterStreamEvent,
  type ChatRequest,
  createRouter,
  type ModelSpec,
  type ProviderAdapter,
} from '@spillway/core';

const RESULT: AdapterResult = {
  text: 'ok',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 20, outputTokens: 2, totalTokens: 22 },
};

function instantAdapter(name: string, models: ModelSpec[]): ProviderAdapter {
  return {
    specificationVersion: 'v1',
    name,
    kind: 'bench',
    models,
    doGenerate: async () => RESULT,
    async doStream() {
      async function* events(): AsyncGenerator<AdapterStreamEvent> {
        for (let i = 0; i < 100; i++) yield { type: 'text-delta', text: 'x' };
        yield { type: 'finish', finishReason: 'stop', usage: RESULT.usage };
      }
      return { events: events() };
    },
  };
}

function models(prefix: string, count: number): ModelSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    capability: 3 + i,
    inputUsdPerMTok: 0.5 + i,
    outputUsdPerMTok: 2 + i,
    contextWindow: 128_000,
    supports: { tools: true, vision: true, json: true, streaming: true },
  }));
}

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' },
  ],
  maxTokens: 100,
  minCapability: 4,
};

async function time(label: string, count: number, once: () => Promise<unknown>): Promise<string> {
  for (let i = 0; i < 2_000; i++) await once(); // warm up
  const start = performance.now();
  for (let i = 0; i < count; i++) await once();
  const micros = ((performance.now() - start) * 1000) / count;
  return `${label}: ${micros.toFixed(2)} µs`;
}

export async function benchRouterOverhead(): Promise<string[]> {
  const providers = [
    instantAdapter('a', models('a', 5)),
    instantAdapter('b', models('b', 5)),
    instantAdapter('c', models('c', 5)),
  ];
  const router = createRouter({ providers });
  const bare = providers[0] as ProviderAdapter;
  const call = { model: 'a-0', messages: request.messages, signal: new AbortController().signal };
  const lines = [
    await time('adapter call alone (baseline)', 50_000, () => bare.doGenerate(call)),
    await time('router.chat, 15 models, no listeners', 50_000, () => router.chat(request)),
  ];
  router.on('request-finish', () => {});
  router.on('attempt-start', () => {});
  lines.push(await time('router.chat, 15 models, 2 listeners', 50_000, () => router.chat(request)));
  lines.push(
    await time('router.chat with timeoutMs and a signal', 50_000, () =>
      router.chat({ ...request, timeoutMs: 30_000, signal: new AbortController().signal }),
    ),
  );
  lines.push(
    await time('router.stream, 100 chunks (per stream)', 5_000, async () => {
      for await (const _event of router.stream(request));
    }),
  );
  await router.close();
  return lines;
}
