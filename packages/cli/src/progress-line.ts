/** Where progress goes: a terminal gets one redrawn line, anything else periodic plain lines. */
export type ProgressOutput = { write(text: string): unknown; isTTY?: boolean };

/**
 * A live status line. On a TTY it redraws in place (at most every `ttyMs`); elsewhere (CI, a pipe,
 * a log file) it prints a plain line at most every `plainMs`, so logs stay readable.
 */
export class ProgressLine {
  readonly #output: ProgressOutput;
  readonly #tty: boolean;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #last = Number.NEGATIVE_INFINITY;
  #pending: string | undefined;
  #drawn = false;

  constructor(
    output: ProgressOutput,
    options: { ttyMs?: number; plainMs?: number; now?: () => number; tty?: boolean } = {},
  ) {
    this.#output = output;
    this.#tty = options.tty ?? output.isTTY === true;
    this.#intervalMs = this.#tty ? (options.ttyMs ?? 100) : (options.plainMs ?? 2_000);
    this.#now = options.now ?? (() => performance.now());
  }

  /** Shows `text` now if the interval has passed, else remembers it for the next draw. */
  update(text: string): void {
    this.#pending = text;
    if (this.#now() - this.#last >= this.#intervalMs) this.#draw();
  }

  /** Prints a message above the status line without losing it. */
  log(text: string): void {
    if (this.#tty && this.#drawn) this.#output.write('\r\x1b[2K');
    this.#output.write(`${text}\n`);
    this.#drawn = false;
    if (this.#tty && this.#pending !== undefined) this.#draw();
  }

  /** Draws the latest text (if any) and ends the line. */
  finish(text?: string): void {
    if (text !== undefined) this.#pending = text;
    if (this.#pending !== undefined) this.#draw();
    if (this.#tty && this.#drawn) this.#output.write('\n');
    this.#drawn = false;
    this.#pending = undefined;
  }

  #draw(): void {
    const text = this.#pending;
    if (text === undefined) return;
    this.#last = this.#now();
    if (this.#tty) {
      this.#output.write(`\r\x1b[2K${text}`);
      this.#drawn = true;
    } else {
      this.#output.write(`${text}\n`);
      this.#pending = undefined;
    }
  }
}
