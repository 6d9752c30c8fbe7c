import { InvalidRequestError } from '@spillway/core';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { fromResponsesParams } from './from-responses-params.js';

describe('fromResponsesParams', () => {
  it('maps instructions, messages, images, function calls and their outputs to router messages', () => {
    const request = fromResponsesParams(
      {
        model: 'fast',
        instructions: 'Be brief.',
        input: [
          { role: 'developer', content: 'Use metric units.' },
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is this?' },
              { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' },
            ],
          },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          {
            type: 'message',
            role: 'assistant',
            id: 'msg_1',
            status: 'completed',
            content: [{ type: 'output_text', text: 'Checking.', annotations: [] }],
          },
          { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{"q":"a"}' },
          { type: 'function_call', call_id: 'c2', name: 'lookup', arguments: '{"q":"b"}' },
          { type: 'function_call_output', call_id: 'c1', output: 'one' },
          { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] },
        ],
        max_output_tokens: 50,
        tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' }, strict: false }],
        tool_choice: { type: 'function', name: 'lookup' },
        text: { format: { type: 'json_object' } },
      } as ResponseCreateParams,
      { aliases: { fast: { minCapability: 3 } } },
    );
    expect(request).toEqual({
      minCapability: 3,
      maxTokens: 50,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Use metric units.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', url: 'https://example.com/a.png' },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          toolCalls: [
            { id: 'c1', name: 'lookup', arguments: { q: 'a' }, rawArguments: '{"q":"a"}' },
            { id: 'c2', name: 'lookup', arguments: { q: 'b' }, rawArguments: '{"q":"b"}' },
          ],
        },
        { role: 'tool', toolCallId: 'c1', content: 'one' },
        { role: 'tool', toolCallId: 'c2', content: 'two' },
      ],
      tools: [{ name: 'lookup', parameters: { type: 'object' }, strict: false }],
      toolChoice: { name: 'lookup' },
      responseFormat: { type: 'json' },
    });
  });

  it.each([
    [{ store: true }, 'store'],
    [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ tools: [{ type: 'file_search', vector_store_ids: ['vs'] }] }, 'tools[0]'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
    [
      { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1', detail: 'auto' }] }] },
      'input[0].content[0]',
    ],
  ])('rejects %j with an InvalidRequestError naming %s', (params, field) => {
    const call = () => fromResponsesParams({ model: 'auto', input: 'Hi', ...params } as ResponseCreateParams);
    expect(call).toThrow(InvalidRequestError);
    expect(call).toThrow(expect.objectContaining({ field }));
  });
});
