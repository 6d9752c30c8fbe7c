import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idKey, LineWriter, prepareOutput } from './output-file.js';

const dir = () => mkdtempSync(join(tmpdir(), 'spillway-out-'));

describe('prepareOutput', () => {
  it('starts empty when the file does not exist', () => {
    expect(prepareOutput(join(dir(), 'none.jsonl'))).toEqual({
      done: new Set(),
      trimmedBytes: 0,
      retried: 0,
    });
  });

  it('collects written ids and cuts a torn last line', () => {
    const path = join(dir(), 'out.jsonl');
    writeFileSync(path, '{"id":"a","ok":true}\n{"id":2,"ok":false}\n{"id":"c","ok":tr');
    const state = prepareOutput(path);
    expect([...state.done]).toEqual([idKey('a'), idKey(2)]);
    expect(state.trimmedBytes).toBe('{"id":"c","ok":tr'.length);
    expect(readFileSync(path, 'utf8')).toBe('{"id":"a","ok":true}\n{"id":2,"ok":false}\n');
  });

  it('keeps 1 and "1" apart', () => {
    const path = join(dir(), 'out.jsonl');
    writeFileSync(path, '{"id":1}\n');
    const state = prepareOutput(path);
    expect(state.done.has(idKey(1))).toBe(true);
    expect(state.done.has(idKey('1'))).toBe(false);
  });
});

describe('LineWriter', () => {
  it('appends one JSON line per record after existing content', () => {
    const path = join(dir(), 'out.jsonl');
    appendFileSync(path, '{"id":"x"}\n');
    const writer = new LineWriter(path);
    writer.write({ id: 'y', text: 'line\nbreak' });
    writer.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toEqual(['{"id":"x"}', '{"id":"y","text":"line\\nbreak"}', '']);
  });
});
