import { describe, expect, it } from 'vitest';
import { ProgressLine } from './progress-line.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, output: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('ProgressLine', () => {
  it('redraws one line on a TTY, throttled', () => {
    let now = 0;
    const { writes, output } = sink(true);
    const line = new ProgressLine(output, { now: () => now, ttyMs: 100 });
    line.update('1/3');
    line.update('2/3');
    now = 150;
    line.update('3/3');
    line.finish();
    expect(writes).toEqual(['\r\x1b[2K1/3', '\r\x1b[2K3/3', '\r\x1b[2K3/3', '\n']);
  });

  it('prints periodic plain lines elsewhere, and the last state at the end', () => {
    let now = 0;
    const { writes, output } = sink(false);
    const line = new ProgressLine(output, { now: () => now, plainMs: 1_000 });
    line.update('a');
    now = 500;
    line.update('b');
    now = 1_200;
    line.update('c');
    line.update('d');
    line.log('note');
    line.finish();
    expect(writes).toEqual(['a\n', 'c\n', 'note\n', 'd\n']);
  });
});
