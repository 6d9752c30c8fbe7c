const LF = 10;
const COLON = 58;
const SPACE = 32;

/**
 * Server-sent events from a byte stream, parsed as the HTML standard says: a line ends in CRLF, LF or
 * CR (also when the pair is split between two reads); the `data` lines of one event are joined with LF;
 * a blank line ends an event, which is dispatched when it had a `data` line; comments, `event`, `id`,
 * `retry` and unknown fields are skipped; an event still open when the stream ends is dropped. Text is
 * decoded as UTF-8 across reads, so a character split between two reads arrives whole.
 *
 * Only the data is kept: Chat Completions streams tell everything in it (decision 2250).
 */
export class SseDecoder {
  readonly #text = new TextDecoder();
  /** The start of a line whose end has not arrived yet. */
  #partial = '';
  /** The data of the event being read; undefined until it has a `data` line. */
  #data: string | undefined;
  /** The last read ended in CR: a LF that starts the next one closes the same line. */
  #afterCr = false;

  /** Reads `bytes`; returns the data of every event they complete, in order. */
  push(bytes: Uint8Array): string[] {
    let text = this.#text.decode(bytes, { stream: true });
    if (this.#afterCr && text !== '') {
      this.#afterCr = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    const buffer = this.#partial === '' ? text : this.#partial + text;
    const events: string[] = [];
    const length = buffer.length;
    let start = 0;
    // The next LF and CR at or after `start` (`length`: none). A stream without CRs is searched for one
    // once per read, not once per line.
    let lf = -1;
    let cr = -1;
    for (;;) {
      if (lf < start) lf = indexOrEnd(buffer, '\n', start);
      if (cr < start) cr = indexOrEnd(buffer, '\r', start);
      const end = Math.min(lf, cr);
      if (end === length) break;
      let next = end + 1;
      if (end === cr) {
        if (next === length) this.#afterCr = true;
        else if (buffer.charCodeAt(next) === LF) next++;
      }
      this.#line(buffer, start, end, events);
      start = next;
    }
    this.#partial = start < length ? buffer.slice(start) : '';
    return events;
  }

  #line(buffer: string, start: number, end: number, events: string[]): void {
    if (start === end) {
      if (this.#data !== undefined) events.push(this.#data);
      this.#data = undefined;
      return;
    }
    if (buffer.charCodeAt(start) === COLON || !buffer.startsWith('data', start)) return;
    let from = start + 4;
    let value = '';
    if (from < end) {
      // `database: x` is another field; `data` alone is a data line with an empty value.
      if (buffer.charCodeAt(from) !== COLON) return;
      from++;
      if (from < end && buffer.charCodeAt(from) === SPACE) from++;
      value = buffer.slice(from, end);
    }
    this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
  }
}

function indexOrEnd(text: string, search: string, from: number): number {
  const found = text.indexOf(search, from);
  return found === -1 ? text.length : found;
}
