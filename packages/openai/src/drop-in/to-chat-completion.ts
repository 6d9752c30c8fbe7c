import type { ChatResult, FinishReason, ToolCall, Usage } from '@spillway/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

type OpenAIFinishReason = ChatCompletion.Choice['finish_reason'];

/** A router result → OpenAI's `ChatCompletion`, whichever provider served it. */
export function toChatCompletion(result: ChatResult, id: string, created: number): ChatCompletion {
  const toolCalls = result.toolCalls.map(toToolCall);
  return {
    id,
    object: 'chat.completion',
    created,
    model: result.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: result.text === '' && toolCalls.length > 0 ? null : result.text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toFinishReason(result.finishReason),
        logprobs: null,
      },
    ],
    usage: toCompletionUsage(result.usage),
  };
}

export function toFinishReason(finishReason: FinishReason): OpenAIFinishReason {
  switch (finishReason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function toCompletionUsage(usage: Usage): CompletionUsage {
  const converted: CompletionUsage = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
  };
  if (usage.cachedInputTokens || usage.cacheWriteInputTokens) {
    converted.prompt_tokens_details = { cached_tokens: usage.cachedInputTokens ?? 0 };
    if (usage.cacheWriteInputTokens)
      converted.prompt_tokens_details.cache_write_tokens = usage.cacheWriteInputTokens;
  }
  if (usage.reasoningTokens)
    converted.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return converted;
}

export function toToolCall(call: ToolCall): ChatCompletionMessageFunctionToolCall {
  const args =
    call.rawArguments ??
    (typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}));
  return { id: call.id, type: 'function', function: { name: call.name, arguments: args } };
}

/** Builds the chunks of one streamed completion, sharing its id, creation time and model. */
export function chunkFactory(id: string, created: number, model: string, includeUsage: boolean) {
  const base = (): Omit<ChatCompletionChunk, 'choices'> => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    ...(includeUsage ? { usage: null } : {}),
  });
  return {
    delta(delta: ChatCompletionChunk.Choice.Delta): ChatCompletionChunk {
      return { ...base(), choices: [{ index: 0, delta, finish_reason: null, logprobs: null }] };
    },
    finish(finishReason: FinishReason): ChatCompletionChunk {
      return {
        ...base(),
        choices: [{ index: 0, delta: {}, finish_reason: toFinishReason(finishReason), logprobs: null }],
      };
    },
    usage(usage: Usage): ChatCompletionChunk {
      return { ...base(), choices: [], usage: toCompletionUsage(usage) };
    },
  };
}
