import {
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';

/** What an earlier run left in the output file. */
export type ResumeState = {
  /** Ids already written (as `JSON.stringify(id)`, so 1 and "1" stay distinct). */
  done: Set<string>;
  /** Bytes of a torn last line (a write cut by a kill) that were removed. */
  trimmedBytes: number;
  /** Lines an earlier run wrote as `budget_exceeded`, removed so this run does them again. */
  retried: number;
};

/** A result line a run wrote because its `--budget-usd` was spent: the next run redoes that id. */
export function isBudgetExceeded(record: { ok?: unknown; error?: { code?: unknown } }): boolean {
  return record.ok === false && record.error?.code === 'budget_exceeded';
}

export function idKey(id: unknown): string {
  return JSON.stringify(id);
}

/**
 * Reads the ids an earlier run completed and cuts off a torn last line, so the file ends at a
 * newline before new results are appended. Every result is written as one line with one `write`,
 * so only the very last line can be torn.
 */
export function prepareOutput(path: string): ResumeState {
  const done = new Set<string>();
  if (!existsSync(path)) return { done, trimmedBytes: 0, retried: 0 };
  const content = readFileSync(path);
  const end = content.lastIndexOf(0x0a) + 1;
  const trimmedBytes = content.length - end;
  if (trimmedBytes > 0) {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, end);
    } finally {
      closeSync(fd);
    }
  }
  const kept: string[] = [];
  let retried = 0;
  for (const line of content.subarray(0, end).toString('utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line) as { id?: unknown; ok?: unknown; error?: { code?: unknown } };
      if (isBudgetExceeded(record)) {
        retried++;
        continue;
      }
      if (record.id !== undefined) done.add(idKey(record.id));
    } catch {
      // A complete but unreadable line was not written by us; leave it and redo nothing for it.
    }
    kept.push(line);
  }
  // Budget-exceeded lines go, so each id still ends up written exactly once. Written beside the file
  // and renamed over it: a kill in between leaves the old file, which the next run reads the same way.
  if (retried > 0) {
    const next = `${path}.retry`;
    writeFileSync(next, kept.map((line) => `${line}\n`).join(''));
    renameSync(next, path);
  }
  return { done, trimmedBytes, retried };
}

/** Appends whole lines: each record is one `write` of its JSON plus a newline. */
export class LineWriter {
  readonly #fd: number;

  constructor(path: string) {
    this.#fd = openSync(path, 'a');
  }

  write(record: unknown): void {
    const buffer = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    let offset = 0;
    // A regular file takes the whole buffer in one write; the loop only guards against short writes.
    while (offset < buffer.length) offset += writeSync(this.#fd, buffer, offset);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
