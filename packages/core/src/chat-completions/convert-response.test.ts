import { describe, expect, it } from 'vitest';
import { convertResponse, convertUsage } from './convert-response.js';
import { mapFinishReason } from './map-finish-reason.js';

describe('convertResponse', () => {
  it('maps text, tool calls, finish reason and cached usage', () => {
    expect(
      convertResponse({
        choices: [
          {
            message: {
              content: null,
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
                { id: 'call_2', type: 'function', function: { name: 'g', arguments: '{broken' } },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: {
          prompt_tokens: 10,
          completion_tokens: 3,
          total_tokens: 13,
          prompt_tokens_details: { cached_tokens: 4 },
        },
      }),
    ).toEqual({
      text: '',
      toolCalls: [
        { id: 'call_1', name: 'f', arguments: { a: 1 }, rawArguments: '{"a":1}' },
        { id: 'call_2', name: 'g', arguments: '{broken', rawArguments: '{broken' },
      ],
      finishReason: 'tool-calls',
      usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13, cachedInputTokens: 4 },
    });
  });

  it('reports a refusal as a content filter', () => {
    const result = convertResponse({
      choices: [{ message: { content: null, refusal: 'no' }, finish_reason: 'stop' }],
    });
    expect(result?.finishReason).toBe('content-filter');
  });

  it('is undefined without choices', () => {
    expect(convertResponse({ choices: [] })).toBeUndefined();
    expect(convertResponse({})).toBeUndefined();
  });
});

describe('convertUsage', () => {
  it('reports cache reads, cache writes and reasoning tokens, all already inside the totals', () => {
    expect(
      convertUsage({
        prompt_tokens: 2_000,
        completion_tokens: 300,
        total_tokens: 2_300,
        prompt_tokens_details: { cached_tokens: 1_536, cache_write_tokens: 400 },
        completion_tokens_details: { reasoning_tokens: 250 },
      }),
    ).toEqual({
      inputTokens: 2_000,
      outputTokens: 300,
      totalTokens: 2_300,
      cachedInputTokens: 1_536,
      cacheWriteInputTokens: 400,
      reasoningTokens: 250,
    });
  });

  it('leaves out counts a server reports as zero or null (Groq sends no details at all)', () => {
    expect(
      convertUsage({
        prompt_tokens: 5,
        completion_tokens: 2,
        total_tokens: 7,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: null },
        completion_tokens_details: null,
      }),
    ).toEqual({ inputTokens: 5, outputTokens: 2, totalTokens: 7 });
  });
});

describe('mapFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['content_filter', 'content-filter'],
    ['something_new', 'other'],
    [null, 'other'],
  ] as const)('%s → %s', (wire, ours) => {
    expect(mapFinishReason(wire)).toBe(ours);
  });
});
