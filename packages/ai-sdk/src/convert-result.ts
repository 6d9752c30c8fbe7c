import type {
  JSONObject,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
  SharedV3Warning,
} from '@ai-sdk/provider';
import type { Attempt, ChatResult, FinishReason, ToolCall, Usage } from '@spillway/core';

/** A router result's text and tool calls as AI SDK content, in that order. */
export function toContent(result: ChatResult): LanguageModelV3Content[] {
  const content: LanguageModelV3Content[] = [];
  if (result.text !== '') content.push({ type: 'text', text: result.text });
  for (const call of result.toolCalls) {
    content.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: toolInput(call) });
  }
  return content;
}

/** The arguments exactly as the model wrote them (the AI SDK parses and validates them itself). */
export function toolInput(call: ToolCall): string {
  if (call.rawArguments !== undefined) return call.rawArguments;
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
}

export function toFinishReason(finishReason: FinishReason): LanguageModelV3FinishReason {
  return { unified: finishReason, raw: finishReason };
}

export function toUsage(usage: Usage): LanguageModelV3Usage {
  const cached = usage.cachedInputTokens;
  const written = usage.cacheWriteInputTokens;
  const reasoning = usage.reasoningTokens;
  const known = cached !== undefined || written !== undefined;
  return {
    inputTokens: {
      total: usage.inputTokens,
      noCache: known ? Math.max(0, usage.inputTokens - (cached ?? 0) - (written ?? 0)) : undefined,
      cacheRead: cached,
      cacheWrite: written,
    },
    outputTokens: {
      total: usage.outputTokens,
      text: reasoning === undefined ? undefined : usage.outputTokens - reasoning,
      reasoning,
    },
  };
}

/** `providerMetadata.spillway`: which provider and model answered, every attempt, and the cost. */
export function toProviderMetadata(result: ChatResult): SharedV3ProviderMetadata {
  const spillway: JSONObject = {
    provider: result.provider,
    model: result.model,
    costUsd: result.costUsd,
    attempts: result.attempts.map(toJsonAttempt),
  };
  if (result.requestId !== undefined) spillway.requestId = result.requestId;
  if (result.warnings?.length) spillway.warnings = [...result.warnings];
  return { spillway };
}

function toJsonAttempt(attempt: Attempt): JSONObject {
  const json: JSONObject = {
    provider: attempt.provider,
    model: attempt.model,
    outcome: attempt.outcome,
    durationMs: attempt.durationMs,
  };
  if (attempt.status !== undefined) json.status = attempt.status;
  if (attempt.message !== undefined) json.message = attempt.message;
  if (attempt.waitedMs !== undefined) json.waitedMs = attempt.waitedMs;
  if (attempt.requestId !== undefined) json.requestId = attempt.requestId;
  return json;
}

/** Notes an adapter made while serving the call (dropped parameters and such). */
export function toWarnings(result: ChatResult): SharedV3Warning[] {
  return (result.warnings ?? []).map((message) => ({ type: 'other', message }));
}
