import { describe, expect, it } from 'vitest';
import { CloseSignals } from './close-signals.js';

describe('CloseSignals', () => {
  it('shares one signal among 64 calls, then starts another (bounding each signal’s SDK listeners)', () => {
    const signals = new CloseSignals();
    const first = Array.from({ length: 64 }, () => signals.take());
    expect(new Set(first.map((taken) => taken.signal)).size).toBe(1);
    const next = signals.take();
    expect(next.signal).not.toBe(first[0]?.signal);
  });

  it('abortAll aborts every signal a call in flight still holds, older ones included', () => {
    const signals = new CloseSignals();
    const old = Array.from({ length: 64 }, () => signals.take());
    const current = signals.take();
    signals.abortAll('closed');
    expect(old[0]?.signal.reason).toBe('closed');
    expect(current.signal.aborted).toBe(true);
  });

  it('forgets a full signal once its last call ended, so close() aborts only live ones', () => {
    const signals = new CloseSignals();
    const old = Array.from({ length: 64 }, () => signals.take());
    const current = signals.take();
    for (const taken of old) signals.release(taken);
    signals.abortAll('closed');
    expect(old[0]?.signal.aborted).toBe(false);
    expect(current.signal.aborted).toBe(true);
  });
});
