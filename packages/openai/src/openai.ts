import {
  ConfigError,
  type Limits,
  type ModelSpec,
  type ProviderAdapter,
  resolveModels,
} from '@spillway/core';
import { checkAdapterOptions, createSdkLog, lazyClient, loadApiKey } from '@spillway/core/adapter';
import {
  CHAT_COMPLETIONS_CLIENT,
  type ChatCompletionsDialect,
  createChatCompletionsAdapter,
} from '@spillway/core/chat-completions';
import OpenAI from 'openai';

export type ModelOption = string | (Partial<ModelSpec> & { id: string });

export type OpenAIProviderOptions = {
  /** Defaults to the `OPENAI_API_KEY` environment variable, read at the first call. */
  apiKey?: string;
  /** Handed to the SDK unchanged (e.g. `http://127.0.0.1:8080/v1`). */
  baseURL?: string;
  /** An SDK client you configured yourself; `apiKey`, `baseURL`, `organization` and `headers` are then ignored. */
  client?: OpenAI;
  limits?: Limits;
  /** Exactly these models (ids from the catalog, or full specs); default: every OpenAI catalog model. */
  models?: ModelOption[];
  /** Unique among the router's providers. Default 'openai'. */
  name?: string;
  organization?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
};

const OPENAI_DIALECT: ChatCompletionsDialect = {
  maxTokensField: 'max_completion_tokens',
  streamUsage: 'stream-options',
  maxStopSequences: 4,
  // Reasoning models (o-series, gpt-5 family) answer 400 to any temperature but the default.
  acceptsTemperature: (model) => !/^(o\d|gpt-5)/.test(model),
};

/** An adapter for the OpenAI API on the official `openai` SDK. */
export function openai(options: OpenAIProviderOptions = {}): ProviderAdapter {
  checkAdapterOptions('openai', options, CHAT_COMPLETIONS_CLIENT);
  if (options.organization !== undefined && typeof options.organization !== 'string')
    throw new ConfigError('openai: organization must be a string', { field: 'organization' });
  const name = options.name ?? 'openai';
  const sdkLog = createSdkLog(name);
  return createChatCompletionsAdapter({
    name,
    kind: 'openai',
    models: resolveModels('openai', options.models),
    ...(options.limits ? { limits: options.limits } : {}),
    dialect: OPENAI_DIALECT,
    requestsWindowMs: 60_000,
    sdkLog,
    getClient: lazyClient(options.client, (model) => {
      const apiKey = loadApiKey({
        apiKey: options.apiKey,
        envVar: 'OPENAI_API_KEY',
        provider: name,
        model,
      });
      return new OpenAI({
        apiKey,
        ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
        ...(options.organization !== undefined ? { organization: options.organization } : {}),
        ...(options.headers ? { defaultHeaders: options.headers } : {}),
        maxRetries: 0,
        logger: sdkLog.logger,
        logLevel: 'warn',
      });
    }),
  });
}
