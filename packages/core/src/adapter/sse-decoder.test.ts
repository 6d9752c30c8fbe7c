import { describe, expect, it } from 'vitest';
import { SseDecoder, type SseEvent } from './sse-decoder.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `parts` one read at a time; returns every event's data. */
function decode(parts: Array<string | Uint8Array>): string[] {
  const decoder = new SseDecoder();
  return parts.flatMap((part) => decoder.push(typeof part === 'string' ? bytes(part) : part));
}

/** Feeds `parts` one read at a time; returns every event with its name. */
function decodeEvents(parts: Array<string | Uint8Array>): SseEvent[] {
  const decoder = new SseDecoder();
  return parts.flatMap((part) => decoder.pushEvents(typeof part === 'string' ? bytes(part) : part));
}

/** Every way of cutting `text` into two reads, and into one read per byte. */
function splits(text: string): Uint8Array[][] {
  const all = bytes(text);
  const ways: Uint8Array[][] = [];
  for (let at = 0; at <= all.length; at++) ways.push([all.slice(0, at), all.slice(at)]);
  ways.push(Array.from(all, (byte) => Uint8Array.of(byte)));
  return ways;
}

describe('SseDecoder', () => {
  it('dispatches each event at its blank line, joining its data lines with LF', () => {
    expect(decode(['data: {"a":1}\n\ndata: one\ndata: two\n\n'])).toEqual(['{"a":1}', 'one\ntwo']);
  });

  it('reads LF, CRLF and CR line endings, also mixed in one stream', () => {
    expect(decode(['data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n'])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('gives the same events however the bytes are split between reads', () => {
    const text = 'data: {"x":"é€😀"}\r\n\r\n: keep-alive\r\ndata: [DONE]\r\r';
    for (const parts of splits(text)) expect(decode(parts)).toEqual(['{"x":"é€😀"}', '[DONE]']);
  });

  it('keeps a CRLF split between two reads as one line end', () => {
    expect(decode(['data: a\r', '\n\r', '\n'])).toEqual(['a']);
    // An empty read between the halves changes nothing.
    expect(decode(['data: a\r', '', '\n\r\n'])).toEqual(['a']);
  });

  it('skips comments, other fields and events without data', () => {
    const text = ': hello\nevent: ping\nid: 7\nretry: 100\n\ndatabase: no\n\nevent: x\ndata: yes\n\n';
    expect(decode([text])).toEqual(['yes']);
  });

  it('takes the value after the colon, without one leading space, and `data` alone as empty', () => {
    expect(decode(['data:tight\n\ndata:  two spaces\n\ndata\n\ndata:\n\n'])).toEqual([
      'tight',
      ' two spaces',
      '',
      '',
    ]);
  });

  it('drops an event the stream leaves open, and a leading byte-order mark', () => {
    expect(decode(['\uFEFFdata: first\n\ndata: open'])).toEqual(['first']);
    expect(decode(['data: open\n'])).toEqual([]);
  });
});

describe('SseDecoder.pushEvents', () => {
  it('gives each event its name, or undefined when it had no event line', () => {
    const text = 'event: message_start\ndata: {"a":1}\n\ndata: plain\n\nevent: two\ndata: a\ndata: b\n\n';
    expect(decodeEvents([text])).toEqual([
      { event: 'message_start', data: '{"a":1}' },
      { event: undefined, data: 'plain' },
      { event: 'two', data: 'a\nb' },
    ]);
  });

  it('gives the same named events however the bytes are split between reads', () => {
    const text =
      'event: ping\r\ndata: {"type": "ping"}\r\n\r\n: c\revent:content_block_delta\rdata: {"t":"é😀"}\r\r' +
      'event: message_stop\ndata: {}\n\n';
    for (const parts of splits(text))
      expect(decodeEvents(parts)).toEqual([
        { event: 'ping', data: '{"type": "ping"}' },
        { event: 'content_block_delta', data: '{"t":"é😀"}' },
        { event: 'message_stop', data: '{}' },
      ]);
  });

  it("gives an event with a name and no data (as Anthropic's SDK does), and forgets the name after it", () => {
    expect(decodeEvents(['event: error\n\ndata: next\n\nevent\n\n'])).toEqual([
      { event: 'error', data: '' },
      { event: undefined, data: 'next' },
      { event: '', data: '' },
    ]);
  });

  it('skips other fields that start like `event`, comments, and an event left open', () => {
    expect(decodeEvents(['events: no\n: event: no\ndata: x\n\nevent: open\ndata: y\n'])).toEqual([
      { event: undefined, data: 'x' },
    ]);
  });

  it('ignores event lines in push, which gives only the data of events that had some', () => {
    expect(decode(['event: ping\n\nevent: a\ndata: x\n\n'])).toEqual(['x']);
  });
});
