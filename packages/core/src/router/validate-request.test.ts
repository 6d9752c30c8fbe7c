import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import type { ChatRequest } from '../types.js';
import { setup } from './test-helpers.js';

const user = { role: 'user', content: 'hi' };
const tool = { name: 'lookup', parameters: { type: 'object' } };

function circular(): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: 'object' };
  schema.properties = { child: schema };
  return schema;
}

describe('router.chat request validation', () => {
  it.each([
    ['not an object', null, undefined, 'request must be an object'],
    ['no messages', {}, 'messages', 'messages must be a non-empty array'],
    ['empty messages', { messages: [] }, 'messages', 'messages must be a non-empty array'],
    [
      'bad role',
      { messages: [user, user, { role: 'robot', content: 'x' }] },
      'messages[2].role',
      'messages[2].role must be one of system, user, assistant, tool, got "robot"',
    ],
    [
      'content not text',
      { messages: [{ role: 'user', content: 5 }] },
      'messages[0].content',
      'must be a string or an array of parts',
    ],
    [
      'image without source',
      { messages: [{ role: 'user', content: [{ type: 'image' }] }] },
      'messages[0].content[0]',
      'must give an image as url or as base64 data',
    ],
    [
      'unknown part type',
      { messages: [{ role: 'user', content: [{ type: 'audio' }] }] },
      'messages[0].content[0].type',
      'must be one of text, image',
    ],
    [
      'image url not a string (it was sent upstream)',
      { messages: [{ role: 'user', content: [{ type: 'image', url: 42 }] }] },
      'messages[0].content[0].url',
      'must be a string, got 42',
    ],
    [
      'image data not a string beside a url',
      { messages: [{ role: 'user', content: [{ type: 'image', url: 'https://x/y.png', data: {} }] }] },
      'messages[0].content[0].data',
      'must be a string, got object',
    ],
    [
      'image media type not an image',
      { messages: [{ role: 'user', content: [{ type: 'image', data: 'AAAA', mediaType: 'text/plain' }] }] },
      'messages[0].content[0].mediaType',
      'must be an image media type',
    ],
    [
      'circular tool parameters',
      { messages: [user], tools: [{ name: 'loop', parameters: circular() }] },
      'tools[0].parameters',
      'must be encodable as JSON (Converting circular structure to JSON',
    ],
    [
      'BigInt in tool parameters',
      { messages: [user], tools: [{ name: 'big', parameters: { type: 'object', maximum: 10n } }] },
      'tools[0].parameters',
      'must be encodable as JSON (Do not know how to serialize a BigInt)',
    ],
    [
      'circular response schema',
      { messages: [user], responseFormat: { type: 'json-schema', schema: circular() } },
      'responseFormat.schema',
      'must be encodable as JSON',
    ],
    [
      'BigInt tool call arguments',
      {
        messages: [
          user,
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'lookup', arguments: { n: 1n } }] },
          { role: 'tool', toolCallId: 'c1', content: 'r' },
        ],
      },
      'messages[1].toolCalls[0].arguments',
      'must be encodable as JSON',
    ],
    [
      'circular tool call arguments',
      {
        messages: [
          user,
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'c1', name: 'lookup', arguments: circular() }],
          },
        ],
      },
      'messages[1].toolCalls[0].arguments',
      'must be encodable as JSON',
    ],
    [
      'timeoutMs beyond a timer',
      { messages: [user], timeoutMs: 2 ** 31 },
      'timeoutMs',
      'must be at most 2147483647',
    ],
    [
      'tool message without toolCallId',
      { messages: [user, { role: 'tool', content: 'r' }] },
      'messages[1].toolCallId',
      'must be a non-empty string',
    ],
    [
      'unknown pinned model',
      { messages: [user], model: 'gpt-9' },
      'model',
      'names "gpt-9", which no configured provider offers',
    ],
    [
      'unknown pinned provider model',
      { messages: [user], model: ['m', { provider: 'zzz', model: 'm' }] },
      'model[1]',
      'names "m" of provider "zzz"',
    ],
    ['empty model list', { messages: [user], model: [] }, 'model', 'must not be an empty array'],
    ['maxTokens 0', { messages: [user], maxTokens: 0 }, 'maxTokens', 'must be at least 1, got 0'],
    ['fractional maxTokens', { messages: [user], maxTokens: 2.5 }, 'maxTokens', 'must be an integer'],
    ['temperature 3', { messages: [user], temperature: 3 }, 'temperature', 'must be at most 2, got 3'],
    [
      'temperature NaN',
      { messages: [user], temperature: Number.NaN },
      'temperature',
      'must be a finite number',
    ],
    ['minCapability 11', { messages: [user], minCapability: 11 }, 'minCapability', 'must be at most 10'],
    ['minCapability 0', { messages: [user], minCapability: 0 }, 'minCapability', 'must be at least 1'],
    [
      'require.tools not boolean',
      { messages: [user], require: { tools: 'yes' } },
      'require.tools',
      'must be a boolean',
    ],
    ['timeoutMs 0', { messages: [user], timeoutMs: 0 }, 'timeoutMs', 'must be greater than 0'],
    ['stop numbers', { messages: [user], stop: [1] }, 'stop', 'must be a string or an array of strings'],
    [
      'tool with bad name',
      { messages: [user], tools: [{ ...tool, name: 'has space' }] },
      'tools[0].name',
      'must be 1-64 letters',
    ],
    [
      'tool without parameters',
      { messages: [user], tools: [{ name: 'x' }] },
      'tools[0].parameters',
      'must be a JSON Schema object',
    ],
    [
      'duplicate tools',
      { messages: [user], tools: [tool, tool] },
      'tools[1].name',
      'duplicates tool "lookup"',
    ],
    [
      'toolChoice naming an unknown tool',
      { messages: [user], tools: [tool], toolChoice: { name: 'search' } },
      'toolChoice.name',
      'names "search", which is not in tools',
    ],
    [
      'toolChoice required without tools',
      { messages: [user], toolChoice: 'required' },
      'toolChoice',
      'no tools are given',
    ],
    [
      'bad toolChoice',
      { messages: [user], toolChoice: 'sometimes' },
      'toolChoice',
      'must be one of auto, none, required or { name }',
    ],
    [
      'json-schema without schema',
      { messages: [user], responseFormat: { type: 'json-schema' } },
      'responseFormat.schema',
      'must be a JSON Schema object',
    ],
    ['bad signal', { messages: [user], signal: {} }, 'signal', 'must be an AbortSignal'],
    [
      'metadata numbers',
      { messages: [user], metadata: { a: 1 } },
      'metadata',
      'must be an object of string values',
    ],
    [
      'bad onInterrupt',
      { messages: [user], onInterrupt: 'retry' },
      'onInterrupt',
      'must be one of error, continue',
    ],
    ['empty tenant', { messages: [user], tenant: '' }, 'tenant', 'must be a non-empty string'],
    ['tenant a number', { messages: [user], tenant: 7 }, 'tenant', 'must be a non-empty string, got 7'],
    [
      'tenant too long',
      { messages: [user], tenant: 'x'.repeat(257) },
      'tenant',
      'must be at most 256 characters, got 257',
    ],
  ])('rejects %s before sending anything', async (_name, request, field, message) => {
    const { router, adapters } = setup([{ name: 'a', models: [{ id: 'm' }] }]);
    const error = await router.chat(request as ChatRequest).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe(field);
    expect((error as Error).message).toContain(message);
    expect(adapters[0]?.calls).toHaveLength(0);
  });

  it('accepts tool turns, images and a tool-only assistant turn', async () => {
    const { router } = setup([{ name: 'a', models: [{ id: 'm' }] }]);
    const result = await router.chat({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', url: 'https://x/y.png' },
          ],
        },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'lookup', arguments: {} }] },
        { role: 'tool', content: 'found', toolCallId: 'c1' },
      ],
      tools: [tool],
      toolChoice: { name: 'lookup' },
    });
    expect(result.text).toBe('ok');
  });
});
