// One worker process of the real-time bench: a router over the three simulated providers (each in its
// own process) with the shared Redis store. The parent hands it jobs one at a time over IPC and it
// answers each with what happened, so a job of a killed worker can be handed to another.
import { anthropic } from '@spillway/anthropic';
import { createRouter, type ProviderAdapter } from '@spillway/core';
import { groq } from '@spillway/groq';
import { openai } from '@spillway/openai';
import { redisStore } from '@spillway/redis';

export type WorkerConfig = {
  redisUrl: string;
  prefix: string;
  /** Whether the adapters are told each provider's limit (else they learn it from headers and 429s). */
  knownLimits: boolean;
  providers: Array<{
    kind: 'groq' | 'openai' | 'anthropic';
    model: string;
    rpm: number;
    baseURL: string;
    apiKey: string;
  }>;
  maxTokens: number;
};
export type Job = { type: 'job'; index: number };
export type JobDone = {
  type: 'done';
  index: number;
  ok: boolean;
  provider?: string;
  costUsd?: number;
  error?: string;
};

const config = JSON.parse(process.env.SPILLWAY_WORKER ?? '{}') as WorkerConfig;
const store = redisStore({ url: config.redisUrl, prefix: config.prefix, degradedShare: 1 / 4 });
const adapters: ProviderAdapter[] = config.providers.map((provider) => {
  const options = {
    apiKey: provider.apiKey,
    baseURL: provider.baseURL,
    models: [provider.model],
    ...(config.knownLimits ? { limits: { rpm: provider.rpm } } : {}),
  };
  return provider.kind === 'groq'
    ? groq(options)
    : provider.kind === 'openai'
      ? openai(options)
      : anthropic(options);
});
// A long queue: jobs wait for capacity in the router (shared through Redis), not in the parent.
const router = createRouter({ providers: adapters, store, queue: { maxWaiting: 1_000 } });

async function serve(index: number): Promise<JobDone> {
  try {
    const result = await router.chat({
      messages: [{ role: 'user', content: `Job ${index}: answer in a sentence.` }],
      maxTokens: config.maxTokens,
      timeoutMs: 60_000,
    });
    return { type: 'done', index, ok: true, provider: result.provider, costUsd: result.costUsd };
  } catch (error) {
    const { code } = error as { code?: string };
    return { type: 'done', index, ok: false, error: `${code}: ${(error as Error).message}`.slice(0, 200) };
  }
}

process.on('message', (message: Job | { type: 'close' }) => {
  if (message.type === 'close') {
    void Promise.all([router.close(), store.close()]).finally(() => process.exit(0));
    return;
  }
  void serve(message.index).then((done) => process.send?.(done));
});
process.send?.({ type: 'ready' });
