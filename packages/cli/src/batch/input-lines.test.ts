import { describe, expect, it } from 'vitest';
import { parseLine } from './input-lines.js';

describe('parseLine', () => {
  it('splits the id from the request fields', () => {
    expect(parseLine('{"id":"a","messages":[{"role":"user","content":"hi"}],"maxTokens":5}', 3)).toEqual({
      kind: 'request',
      line: 3,
      id: 'a',
      request: { messages: [{ role: 'user', content: 'hi' }], maxTokens: 5 },
    });
  });

  it('reports JSON errors and missing ids with the line number', () => {
    expect(parseLine('{"id":', 4)).toMatchObject({
      kind: 'unreadable',
      message: expect.stringMatching(/^line 4: not valid JSON/),
    });
    expect(parseLine('[1]', 5)).toMatchObject({
      kind: 'unreadable',
      message: 'line 5: must be a JSON object',
    });
    expect(parseLine('{"messages":[]}', 6)).toMatchObject({
      kind: 'unreadable',
      message: expect.stringContaining('line 6: "id"'),
    });
  });

  it('marks a line with an id but no messages as invalid, keeping the id', () => {
    expect(parseLine('{"id":9}', 7)).toEqual({
      kind: 'invalid',
      line: 7,
      id: 9,
      message: 'line 7: "messages" must be a non-empty array',
    });
  });
});
