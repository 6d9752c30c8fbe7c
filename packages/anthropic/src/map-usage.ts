import type { Usage } from '@spillway/core';

/** The usage fields Anthropic reports on a message and on `message_start` / `message_delta` events. */
export type AnthropicUsage = {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
};

/**
 * Anthropic's `input_tokens` counts only uncached input; cache writes and cache reads are reported
 * beside it. Our `inputTokens` is everything the prompt cost, with cache reads also in `cachedInputTokens`.
 */
export function mapUsage(usage: AnthropicUsage | null | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const inputTokens = (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + cacheRead;
  const outputTokens = usage?.output_tokens ?? 0;
  const result: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (cacheRead > 0) result.cachedInputTokens = cacheRead;
  return result;
}
