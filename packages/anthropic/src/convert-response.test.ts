import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { convertResponse, isMessage } from './convert-response.js';

const message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-test',
  content: [
    { type: 'thinking', thinking: 'hmm', signature: 's' },
    { type: 'text', text: 'Let me check. ' },
    { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
    { type: 'text', text: 'One moment.' },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 2, cache_read_input_tokens: 0 },
} as unknown as Message;

describe('convertResponse', () => {
  it('joins text blocks, keeps tool calls with their raw JSON, maps stop reason and usage', () => {
    expect(convertResponse(message)).toEqual({
      text: 'Let me check. One moment.',
      toolCalls: [
        { id: 'toolu_1', name: 'weather', arguments: { city: 'Paris' }, rawArguments: '{"city":"Paris"}' },
      ],
      finishReason: 'tool-calls',
      usage: { inputTokens: 12, outputTokens: 20, totalTokens: 32, cacheWriteInputTokens: 2 },
      raw: message,
    });
  });
});

describe('isMessage', () => {
  it('accepts a message and rejects malformed bodies', () => {
    expect(isMessage(message)).toBe(true);
    expect(isMessage('<html>oops</html>')).toBe(false);
    expect(isMessage({ content: 'text', usage: {} })).toBe(false);
    expect(isMessage(null)).toBe(false);
  });
});
