import { describe, expect, it } from 'vitest';
import { StreamedToolCalls } from './streamed-tool-calls.js';

describe('StreamedToolCalls', () => {
  it('opens a call at its first delta, passes fragments on, and sends nothing twice at the whole call', () => {
    const calls = new StreamedToolCalls();
    expect(calls.delta({ index: 0, id: 'a', name: 'f', argumentsDelta: '{"x"' })).toEqual({
      slot: 0,
      id: 'a',
      name: 'f',
      opened: true,
      argumentsDelta: '{"x"',
    });
    expect(calls.delta({ index: 0, argumentsDelta: ':1}' })).toMatchObject({
      opened: false,
      argumentsDelta: ':1}',
    });
    expect(calls.unfinished()).toEqual([{ slot: 0, id: 'a' }]);
    const done = calls.complete({ id: 'a', name: 'f', arguments: { x: 1 }, rawArguments: '{"x":1}' });
    expect(done).toMatchObject({ slot: 0, opened: false, argumentsDelta: '' });
    expect(calls.unfinished()).toEqual([]);
  });

  it('sends what the deltas left out, and opens a call that arrives whole in the next slot', () => {
    const calls = new StreamedToolCalls();
    // Anthropic can give a tool's input only in its block start: the deltas carry nothing.
    calls.delta({ index: 0, id: 'a', name: 'f', argumentsDelta: '' });
    expect(calls.complete({ id: 'a', name: 'f', arguments: { x: 1 } })).toMatchObject({
      opened: false,
      argumentsDelta: '{"x":1}',
    });
    expect(calls.complete({ id: 'b', name: 'g', arguments: {}, rawArguments: '{}' })).toEqual({
      slot: 1,
      id: 'b',
      name: 'g',
      opened: true,
      argumentsDelta: '{}',
    });
  });

  it('keeps out fragments of a call it cannot name yet; the whole call carries them', () => {
    const calls = new StreamedToolCalls();
    expect(calls.delta({ index: 0, argumentsDelta: '{}' })).toBeUndefined();
    expect(calls.complete({ id: 'a', name: 'f', arguments: {}, rawArguments: '{}' })).toMatchObject({
      opened: true,
      argumentsDelta: '{}',
    });
  });
});
