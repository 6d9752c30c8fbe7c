import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One input line: a request with an id, or a problem to report. */
export type InputItem =
  | { kind: 'request'; line: number; id: unknown; request: Record<string, unknown> }
  /** Has an id, so it is written as an error result. */
  | { kind: 'invalid'; line: number; id: unknown; message: string }
  /** No usable id: only reported. */
  | { kind: 'unreadable'; line: number; message: string };

/** Reads a JSONL file line by line (1-based line numbers), skipping blank lines. */
export async function* readInput(path: string): AsyncGenerator<InputItem> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    yield parseLine(text, line);
  }
}

export function parseLine(text: string, line: number): InputItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      kind: 'unreadable',
      line,
      message: `line ${line}: not valid JSON (${(error as Error).message})`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'unreadable', line, message: `line ${line}: must be a JSON object` };
  const record = value as Record<string, unknown>;
  const id = record.id;
  if (!(typeof id === 'string' && id.length > 0) && !(typeof id === 'number' && Number.isFinite(id)))
    return { kind: 'unreadable', line, message: `line ${line}: "id" must be a non-empty string or a number` };
  if (!Array.isArray(record.messages) || record.messages.length === 0)
    return { kind: 'invalid', line, id, message: `line ${line}: "messages" must be a non-empty array` };
  const { id: _, ...request } = record;
  return { kind: 'request', line, id, request };
}
