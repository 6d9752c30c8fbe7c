import type { GenerateContentResponseUsageMetadata } from '@google/genai';
import type { Usage } from '@spillway/core';

/**
 * Gemini's usage metadata → the router's usage. Thinking tokens are billed as output, so they count
 * in `outputTokens` (and are reported on their own as `reasoningTokens`); tokens of tool-use prompts
 * count as input; `cachedContentTokenCount` is already part of `promptTokenCount`.
 */
export function mapUsage(metadata: GenerateContentResponseUsageMetadata | undefined): Usage {
  const prompt = metadata?.promptTokenCount ?? 0;
  const toolPrompt = metadata?.toolUsePromptTokenCount ?? 0;
  const thoughts = metadata?.thoughtsTokenCount ?? 0;
  const inputTokens = prompt + toolPrompt;
  const outputTokens = (metadata?.candidatesTokenCount ?? 0) + thoughts;
  const usage: Usage = {
    inputTokens,
    outputTokens,
    totalTokens: Math.max(metadata?.totalTokenCount ?? 0, inputTokens + outputTokens),
  };
  if (metadata?.cachedContentTokenCount) usage.cachedInputTokens = metadata.cachedContentTokenCount;
  if (thoughts > 0) usage.reasoningTokens = thoughts;
  return usage;
}
