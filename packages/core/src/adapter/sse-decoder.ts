const LF = 10;
const COLON = 58;
const SPACE = 32;

/** One server-sent event: its `event` name (undefined when it had no `event` line) and its data. */
export type SseEvent = { event: string | undefined; data: string };

/**
 * Server-sent events from a byte stream, parsed as the HTML standard says: a line ends in CRLF, LF or
 * CR (also when the pair is split between two reads); the `data` lines of one event are joined with LF;
 * a blank line ends an event; comments, `id`, `retry` and unknown fields are skipped; an event still
 * open when the stream ends is dropped. Text is decoded as UTF-8 across reads, so a character split
 * between two reads arrives whole.
 *
 * `push` gives only the data of events that had a `data` line: Chat Completions streams tell everything
 * in it (decision 2250), and that path never looks at `event` lines. `pushEvents` also gives each
 * event's name, for protocols whose events are named (Anthropic); like Anthropic's SDK, it also gives an
 * event that had a name but no data (with data ''), so an `event: error` without data still reaches the
 * reader (decision 2251). Use one of the two on a decoder, not both.
 */
export class SseDecoder {
  readonly #text = new TextDecoder();
  /** The start of a line whose end has not arrived yet. */
  #partial = '';
  /** The data of the event being read; undefined until it has a `data` line. */
  #data: string | undefined;
  /** The name of the event being read (`pushEvents` only); undefined until it has an `event` line. */
  #event: string | undefined;
  /** The last read ended in CR: a LF that starts the next one closes the same line. */
  #afterCr = false;

  /** Reads `bytes`; returns the data of every event they complete, in order. */
  push(bytes: Uint8Array): string[] {
    const events: string[] = [];
    this.#read(bytes, events, false);
    return events;
  }

  /** Reads `bytes`; returns every event they complete, with its name, in order. */
  pushEvents(bytes: Uint8Array): SseEvent[] {
    const events: SseEvent[] = [];
    this.#read(bytes, events, true);
    return events;
  }

  #read(bytes: Uint8Array, events: Array<string | SseEvent>, named: boolean): void {
    let text = this.#text.decode(bytes, { stream: true });
    if (this.#afterCr && text !== '') {
      this.#afterCr = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    const buffer = this.#partial === '' ? text : this.#partial + text;
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
      if (start === end) this.#dispatch(events, named);
      else this.#line(buffer, start, end, named);
      start = next;
    }
    this.#partial = start < length ? buffer.slice(start) : '';
  }

  #dispatch(events: Array<string | SseEvent>, named: boolean): void {
    const data = this.#data;
    if (named) {
      const event = this.#event;
      if (data !== undefined || event !== undefined) events.push({ event, data: data ?? '' });
      this.#event = undefined;
    } else if (data !== undefined) events.push(data);
    this.#data = undefined;
  }

  #line(buffer: string, start: number, end: number, named: boolean): void {
    if (buffer.charCodeAt(start) === COLON) return;
    if (!buffer.startsWith('data', start)) {
      if (named && buffer.startsWith('event', start)) {
        const value = fieldValue(buffer, start + 5, end);
        if (value !== undefined) this.#event = value;
      }
      return;
    }
    const value = fieldValue(buffer, start + 4, end);
    if (value === undefined) return;
    this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
  }
}

/**
 * The value of a field whose name ends at `from`: what follows the colon, without one leading space;
 * '' for the name alone; undefined when the name goes on (`database: x` is another field).
 */
function fieldValue(buffer: string, from: number, end: number): string | undefined {
  if (from === end) return '';
  if (buffer.charCodeAt(from) !== COLON) return undefined;
  from++;
  if (from < end && buffer.charCodeAt(from) === SPACE) from++;
  return buffer.slice(from, end);
}

function indexOrEnd(text: string, search: string, from: number): number {
  const found = text.indexOf(search, from);
  return found === -1 ? text.length : found;
}
