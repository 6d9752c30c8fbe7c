import type { Usage } from '@spillway/core';

/** The usage fields Anthropic reports on a message and on `message_start` / `message_delta` events. */
export type AnthropicUsage = {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** The writes by lifetime (they add up to `cache_creation_input_tokens`). */
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null;
    ephemeral_1h_input_tokens?: number | null;
  } | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
};

/**
 * Anthropic's `input_tokens` counts only uncached input; cache writes and cache reads are reported
 * beside it. Our `inputTokens` is every input token billed (the three added), with the reads also in
 * `cachedInputTokens` and the writes in `cacheWriteInputTokens` (their 1-hour part also in
 * `cacheWrite1hInputTokens`), so each is priced at its own rate.
 * Thinking tokens are part of `output_tokens` and billed as output.
 */
export function mapUsage(usage: AnthropicUsage | null | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const inputTokens = (usage?.input_tokens ?? 0) + cacheWrite + cacheRead;
  const outputTokens = usage?.output_tokens ?? 0;
  const result: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (cacheRead > 0) result.cachedInputTokens = cacheRead;
  if (cacheWrite > 0) result.cacheWriteInputTokens = cacheWrite;
  const longWrites = usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  if (longWrites > 0) result.cacheWrite1hInputTokens = Math.min(longWrites, cacheWrite);
  const thinking = usage?.output_tokens_details?.thinking_tokens ?? 0;
  if (thinking > 0) result.reasoningTokens = thinking;
  return result;
}
