import { describe, expect, it } from 'vitest';
import { SseDecoder } from './sse-decoder.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `parts` one read at a time; returns every event's data. */
function decode(parts: Array<string | Uint8Array>): string[] {
  const decoder = new SseDecoder();
  return parts.flatMap((part) => decoder.push(typeof part === 'string' ? bytes(part) : part));
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
