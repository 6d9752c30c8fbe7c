import { type Limits, type ModelSpec, type ProviderAdapter, resolveModels } from '@spillway/core';
import { checkAdapterOptions, createSdkLog, lazyClient, loadApiKey } from '@spillway/core/adapter';
import {
  CHAT_COMPLETIONS_CLIENT,
  type ChatCompletionsDialect,
  createChatCompletionsAdapter,
} from '@spillway/core/chat-completions';
import Groq from 'groq-sdk';

export type GroqProviderOptions = {
  /** Defaults to the `GROQ_API_KEY` environment variable, read at the first call. */
  apiKey?: string;
  /** Handed to the SDK unchanged (the SDK appends `/openai/v1/chat/completions`). */
  baseURL?: string;
  /** An SDK client you configured yourself; `apiKey` and `baseURL` are then ignored. */
  client?: Groq;
  limits?: Limits;
  /** Exactly these models (ids from the catalog, or full specs); default: every Groq catalog model. */
  models?: Array<string | (Partial<ModelSpec> & { id: string })>;
  /** Unique among the router's providers. Default 'groq'. */
  name?: string;
};

// groq-sdk has no `stream_options`: Groq always reports stream usage in `x_groq.usage`.
const GROQ_DIALECT: ChatCompletionsDialect = {
  maxTokensField: 'max_completion_tokens',
  streamUsage: 'always',
  maxStopSequences: 4,
};

/** Groq's `x-ratelimit-*-requests` headers describe requests per day (its tokens headers: per minute). */
const GROQ_REQUESTS_WINDOW_MS = 86_400_000;

/** An adapter for Groq on the official `groq-sdk`. */
export function groq(options: GroqProviderOptions = {}): ProviderAdapter {
  checkAdapterOptions('groq', options, CHAT_COMPLETIONS_CLIENT);
  const name = options.name ?? 'groq';
  const sdkLog = createSdkLog(name);
  return createChatCompletionsAdapter({
    name,
    kind: 'groq',
    models: resolveModels('groq', options.models),
    ...(options.limits ? { limits: options.limits } : {}),
    dialect: GROQ_DIALECT,
    requestsWindowMs: GROQ_REQUESTS_WINDOW_MS,
    sdkLog,
    getClient: lazyClient(options.client, (model) => {
      const apiKey = loadApiKey({ apiKey: options.apiKey, envVar: 'GROQ_API_KEY', provider: name, model });
      return new Groq({
        apiKey,
        ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
        maxRetries: 0,
        logger: sdkLog.logger,
        logLevel: 'warn',
      });
    }),
  });
}
