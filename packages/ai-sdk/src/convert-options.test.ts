import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { InvalidRequestError } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { convertOptions } from './convert-options.js';

const call = (options: Partial<LanguageModelV3CallOptions>): LanguageModelV3CallOptions => ({
  prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  ...options,
});

describe('convertOptions', () => {
  it('maps system, user images, assistant tool calls and tool results to router messages', () => {
    const { request, warnings } = convertOptions(
      'auto',
      {},
      call({
        prompt: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'file', mediaType: 'image/png', data: new URL('https://example.com/a.png') },
              { type: 'file', mediaType: 'image/png', data: new Uint8Array([1, 2, 3]) },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'thinking' },
              { type: 'text', text: 'Let me look.' },
              { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { q: 'a' } },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'c1',
                toolName: 'lookup',
                output: { type: 'json', value: { ok: true } },
              },
              {
                type: 'tool-result',
                toolCallId: 'c2',
                toolName: 'lookup',
                output: { type: 'error-text', value: 'boom' },
              },
            ],
          },
        ],
      }),
    );
    expect(request.model).toBeUndefined();
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', url: 'https://example.com/a.png' },
          { type: 'image', data: 'AQID', mediaType: 'image/png' },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me look.',
        toolCalls: [{ id: 'c1', name: 'lookup', arguments: { q: 'a' }, rawArguments: '{"q":"a"}' }],
      },
      { role: 'tool', toolCallId: 'c1', content: '{"ok":true}' },
      { role: 'tool', toolCallId: 'c2', content: 'boom', isError: true },
    ]);
    expect(warnings).toEqual([
      { type: 'other', message: 'reasoning parts in assistant turns are not sent to the model' },
    ]);
  });

  it('maps tools, tool choice, JSON schema, settings and per-call providerOptions', () => {
    const { request, warnings } = convertOptions(
      'gpt-5.4-mini',
      { minCapability: 5, tenant: 'acme' },
      call({
        maxOutputTokens: 100,
        temperature: 0.2,
        stopSequences: ['END'],
        topK: 3,
        headers: { 'user-agent': 'ai/6', 'x-trace': '1' },
        tools: [
          { type: 'function', name: 'lookup', description: 'Find', inputSchema: { type: 'object' } },
          { type: 'provider', id: 'openai.web_search', name: 'web_search', args: {} },
        ],
        toolChoice: { type: 'tool', toolName: 'lookup' },
        responseFormat: { type: 'json', schema: { type: 'object' }, name: 'answer' },
        providerOptions: { spillway: { minCapability: 7 } },
      }),
    );
    expect(request).toMatchObject({
      model: 'gpt-5.4-mini',
      minCapability: 7,
      tenant: 'acme',
      maxTokens: 100,
      temperature: 0.2,
      stop: ['END'],
      tools: [{ name: 'lookup', description: 'Find', parameters: { type: 'object' } }],
      toolChoice: { name: 'lookup' },
      responseFormat: { type: 'json-schema', schema: { type: 'object' }, name: 'answer' },
    });
    expect(warnings).toEqual([
      { type: 'unsupported', feature: 'topK' },
      expect.objectContaining({
        type: 'unsupported',
        feature: 'headers',
        details: expect.stringContaining('x-trace'),
      }),
      expect.objectContaining({ type: 'unsupported', feature: 'provider-defined tool openai.web_search' }),
    ]);
  });

  it('rejects a file the router cannot send with an InvalidRequestError naming the part', () => {
    const options = call({
      prompt: [{ role: 'user', content: [{ type: 'file', mediaType: 'application/pdf', data: 'AAAA' }] }],
    });
    expect(() => convertOptions('auto', {}, options)).toThrow(InvalidRequestError);
    expect(() => convertOptions('auto', {}, options)).toThrow(
      /prompt\[0\]\.content\[0\]: a application\/pdf file/,
    );
  });
});
