import { InvalidRequestError } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { fromAnthropicParams } from './from-anthropic-params.js';

describe('fromAnthropicParams', () => {
  it('converts a tools conversation to router messages', () => {
    const request = fromAnthropicParams({
      model: 'claude-sonnet-5',
      max_tokens: 300,
      system: [{ type: 'text', text: 'Be brief.' }],
      stop_sequences: ['END'],
      tools: [
        { name: 'weather', description: 'Weather now', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any' },
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hm', signature: 's' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: '18C' }],
              is_error: false,
            },
            { type: 'text', text: 'And tomorrow?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
      ],
    });
    expect(request).toEqual({
      model: 'claude-sonnet-5',
      maxTokens: 300,
      stop: ['END'],
      tools: [
        { name: 'weather', description: 'Weather now', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: 'required',
      responseFormat: { type: 'json-schema', schema: { type: 'object' } },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          toolCalls: [
            {
              id: 'toolu_1',
              name: 'weather',
              arguments: { city: 'Paris' },
              rawArguments: '{"city":"Paris"}',
            },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', content: [{ type: 'text', text: '18C' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And tomorrow?' },
            { type: 'image', data: 'AAAA', mediaType: 'image/png' },
          ],
        },
      ],
    });
  });

  it("routes 'auto' freely, applies aliases and pins any other model", () => {
    const base = { max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    expect(fromAnthropicParams({ ...base, model: 'auto' })).not.toHaveProperty('model');
    expect(
      fromAnthropicParams({ ...base, model: 'fast' }, { aliases: { fast: { minCapability: 4 } } }),
    ).toMatchObject({ minCapability: 4 });
    expect(fromAnthropicParams({ ...base, model: 'gpt-5.4-mini' }).model).toBe('gpt-5.4-mini');
  });

  it('marks error results and rejects server tools with the field named', () => {
    const request = fromAnthropicParams({
      model: 'auto',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't', content: 'bad', is_error: true }],
        },
      ],
    });
    expect(request.messages).toEqual([{ role: 'tool', toolCallId: 't', content: 'bad', isError: true }]);
    const serverTool = () =>
      fromAnthropicParams({
        model: 'auto',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      });
    expect(serverTool).toThrow(InvalidRequestError);
    expect(serverTool).toThrow(/^tools\[0\]: server tool web_search_20250305/);
  });
});
