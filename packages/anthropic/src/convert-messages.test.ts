import { InvalidRequestError } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { convertMessages } from './convert-messages.js';

describe('convertMessages', () => {
  it('lifts system turns to the top level and keeps user/assistant turns', () => {
    expect(
      convertMessages([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'How are you?' },
      ]),
    ).toEqual({
      system: 'Be brief.\n\nAnswer in French.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
        { role: 'user', content: [{ type: 'text', text: 'How are you?' }] },
      ],
    });
  });

  it('leaves out turns with no content', () => {
    const { messages } = convertMessages([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '' },
      { role: 'user', content: [] },
    ]);
    expect(messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });

  it('merges consecutive turns of one role', () => {
    const { messages } = convertMessages([
      { role: 'user', content: 'one' },
      { role: 'user', content: 'two' },
    ]);
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });

  it('sends tool calls as tool_use blocks and tool results in one user turn, results first', () => {
    const { system, messages } = convertMessages([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'toolu_1', name: 'weather', arguments: { city: 'Paris' } },
          { id: 'toolu_2', name: 'weather', arguments: '{"city":"Rome"}' },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_1', content: '18C' },
      { role: 'tool', toolCallId: 'toolu_2', content: 'city not found', isError: true },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(system).toBeUndefined();
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'city not found', is_error: true },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('puts tool results before text that came earlier in the same user turn', () => {
    const { messages } = convertMessages([
      { role: 'assistant', content: 'calling', toolCalls: [{ id: 't1', name: 'f', arguments: {} }] },
      { role: 'user', content: 'also this' },
      { role: 'tool', toolCallId: 't1', content: 'done' },
    ]);
    expect(messages[1]?.content).toEqual([
      { type: 'tool_result', tool_use_id: 't1', content: 'done' },
      { type: 'text', text: 'also this' },
    ]);
  });

  it('sends unparseable tool arguments back as {} with a warning', () => {
    const warnings: string[] = [];
    const { messages } = convertMessages(
      [{ role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'f', arguments: '{oops' }] }],
      (message) => warnings.push(message),
    );
    expect(messages[0]?.content).toEqual([{ type: 'tool_use', id: 't1', name: 'f', input: {} }]);
    expect(warnings).toEqual([expect.stringContaining('tool call t1')]);
  });

  it('converts images given as URL, data URL and base64 data', () => {
    const { messages } = convertMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image', url: 'https://example.com/a.png' },
          { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
          { type: 'image', data: '/9j/4AAQ', mediaType: 'image/jpeg' },
        ],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
    ]);
  });

  it('rejects an unsupported image type and a tool turn without its call id, naming the field', () => {
    const badImage = () =>
      convertMessages([{ role: 'user', content: [{ type: 'image', data: 'x', mediaType: 'image/bmp' }] }]);
    expect(badImage).toThrow(InvalidRequestError);
    expect(badImage).toThrow(/messages\[0\]\.content\[0\].*image\/bmp/);
    try {
      convertMessages([{ role: 'tool', content: 'result' }]);
      expect.unreachable();
    } catch (error) {
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as InvalidRequestError).field).toBe('messages[0].toolCallId');
    }
  });
});
