import { ConfigError, type Limits, type ProviderAdapter, resolveModels } from '@spillway/core';
import { checkAdapterOptions, createSdkLog, lazyClient, registerSecret } from '@spillway/core/adapter';
import {
  CHAT_COMPLETIONS_CLIENT,
  type ChatCompletionsDialect,
  createChatCompletionsAdapter,
} from '@spillway/core/chat-completions';
import OpenAI from 'openai';
import type { ModelOption } from './openai.js';

export type OpenAICompatibleOptions = {
  /** Unique among the router's providers, e.g. 'together' or 'ollama'. */
  name: string;
  /** Handed to the SDK unchanged, e.g. `http://localhost:11434/v1`. */
  baseURL: string;
  /** Many local servers need none. Never read from `OPENAI_API_KEY`: that key must not leave for another host. */
  apiKey?: string;
  /** Required: the catalog does not know what this endpoint serves. */
  models: ModelOption[];
  limits?: Limits;
  client?: OpenAI;
};

// Compatible servers (vLLM, Ollama, Together, Fireworks…) all read `max_tokens`; not all read
// `max_completion_tokens`. Usage in streams is asked for the OpenAI way; servers that ignore it
// simply send none.
const COMPATIBLE_DIALECT: ChatCompletionsDialect = {
  maxTokensField: 'max_tokens',
  streamUsage: 'stream-options',
  maxStopSequences: 4,
};

// The SDK refuses to build a client without a key; servers that need none ignore the header.
const NO_KEY = 'no-key';

/** An adapter for any server that speaks OpenAI's Chat Completions API, on the official `openai` SDK. */
export function openaiCompatible(options: OpenAICompatibleOptions): ProviderAdapter {
  if (!options || typeof options.name !== 'string' || options.name === '') {
    throw new ConfigError('openaiCompatible: `name` is required (e.g. "together")', { field: 'name' });
  }
  checkAdapterOptions(`openaiCompatible(${options.name})`, options, CHAT_COMPLETIONS_CLIENT);
  if (!options.client && (typeof options.baseURL !== 'string' || options.baseURL === '')) {
    throw new ConfigError(`openaiCompatible(${options.name}): \`baseURL\` is required`, { field: 'baseURL' });
  }
  if (!Array.isArray(options.models) || options.models.length === 0) {
    throw new ConfigError(
      `openaiCompatible(${options.name}): \`models\` is required: list the models this endpoint serves`,
      { field: 'models' },
    );
  }
  const sdkLog = createSdkLog(options.name);
  return createChatCompletionsAdapter({
    name: options.name,
    kind: 'openai-compatible',
    models: resolveModels('openai-compatible', options.models),
    ...(options.limits ? { limits: options.limits } : {}),
    dialect: COMPATIBLE_DIALECT,
    requestsWindowMs: 60_000,
    sdkLog,
    getClient: lazyClient(options.client, () => {
      registerSecret(options.apiKey);
      return new OpenAI({
        apiKey: options.apiKey || NO_KEY,
        baseURL: options.baseURL,
        maxRetries: 0,
        logger: sdkLog.logger,
        logLevel: 'warn',
      });
    }),
  });
}
