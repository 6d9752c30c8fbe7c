import { describe, expect, it } from 'vitest';
import type { AdapterCall } from '../spec.js';
import { buildRequestBody, type ChatCompletionsDialect } from './build-request-body.js';

const dialect: ChatCompletionsDialect = {
  maxTokensField: 'max_completion_tokens',
  streamUsage: 'stream-options',
  maxStopSequences: 4,
};

function build(
  call: Partial<AdapterCall>,
  options: { stream?: boolean; vision?: boolean; d?: ChatCompletionsDialect } = {},
) {
  const warnings: string[] = [];
  const body = buildRequestBody(
    {
      model: 'gpt-x',
      messages: [{ role: 'user', content: 'hi' }],
      signal: new AbortController().signal,
      ...call,
    },
    {
      dialect: options.d ?? dialect,
      vision: options.vision ?? true,
      stream: options.stream ?? false,
      warn: (m) => warnings.push(m),
    },
  );
  return { body, warnings };
}

describe('buildRequestBody', () => {
  it('maps a full request precisely', () => {
    const { body, warnings } = build({
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is ' },
            { type: 'image', url: 'https://x/cat.png' },
          ],
        },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'lookup', arguments: { q: 'cat' } }],
        },
        { role: 'tool', content: '{"found":true}', toolCallId: 'call_1' },
        { role: 'user', content: [{ type: 'image', data: 'AAAA', mediaType: 'image/jpeg' }] },
      ],
      maxTokens: 100,
      temperature: 0.2,
      seed: 42,
      stop: ['END'],
      tools: [{ name: 'lookup', description: 'find', parameters: { type: 'object' }, strict: true }],
      toolChoice: { name: 'lookup' },
      responseFormat: { type: 'json-schema', schema: { type: 'object' }, name: 'answer', strict: true },
    });
    expect(warnings).toEqual([]);
    expect(body).toEqual({
      model: 'gpt-x',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is ' },
            { type: 'image_url', image_url: { url: 'https://x/cat.png' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"found":true}' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } }] },
      ],
      max_completion_tokens: 100,
      temperature: 0.2,
      seed: 42,
      stop: ['END'],
      tools: [
        {
          type: 'function',
          function: { name: 'lookup', description: 'find', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
      },
    });
  });

  it('keeps the raw tool arguments of an assistant turn', () => {
    const { body } = build({
      messages: [
        {
          role: 'assistant',
          content: 'ok',
          toolCalls: [{ id: 'c', name: 'f', arguments: {}, rawArguments: '{ }' }],
        },
      ],
    });
    expect(body.messages[0]).toEqual({
      role: 'assistant',
      content: 'ok',
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{ }' } }],
    });
  });

  it('asks for usage in streams the OpenAI way, or not at all', () => {
    expect(build({}, { stream: true }).body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const groq = build({}, { stream: true, d: { ...dialect, streamUsage: 'always' } }).body;
    expect(groq.stream).toBe(true);
    expect(groq).not.toHaveProperty('stream_options');
  });

  it("uses the dialect's max-tokens field and json_object for plain JSON", () => {
    const { body } = build(
      { maxTokens: 5, responseFormat: { type: 'json' } },
      { d: { ...dialect, maxTokensField: 'max_tokens' } },
    );
    expect(body.max_tokens).toBe(5);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body.response_format).toEqual({ type: 'json_object' });
  });

  it('drops images for a model without vision, with a warning, and sends text as a string', () => {
    const { body, warnings } = build(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', url: 'u' },
            ],
          },
        ],
      },
      { vision: false },
    );
    expect(body.messages).toEqual([{ role: 'user', content: 'look' }]);
    expect(warnings).toEqual([expect.stringContaining('dropped 1 image part')]);
  });

  it("sends at most the dialect's stop sequences, with a warning", () => {
    const { body, warnings } = build({ stop: ['a', 'b', 'c', 'd', 'e'] });
    expect(body.stop).toEqual(['a', 'b', 'c', 'd']);
    expect(warnings).toEqual([expect.stringContaining('first 4 stop sequences')]);
  });

  it('drops a tool choice when there are no tools, with a warning', () => {
    const { body, warnings } = build({ toolChoice: 'required' });
    expect(body).not.toHaveProperty('tool_choice');
    expect(warnings).toHaveLength(1);
  });

  it('names the field of an image with neither url nor data', () => {
    expect(() => build({ messages: [{ role: 'user', content: [{ type: 'image' }] }] })).toThrow(
      /messages\[0\]: an image part needs a url/,
    );
  });
});
