import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCallerAbort, callerAbortSubscribers, removeCallerAbort } from './caller-abort.js';
import { say, setup } from './test-helpers.js';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('one caller signal shared by many requests', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });
  // Node reports the leak warning on the next tick, after the listener that crossed the limit.
  const leakWarnings = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning');
  };

  it('100 concurrent requests add one listener, and one abort ends them all with its reason', async () => {
    const { router, clock, adapters } = setup([
      // Known limits: no learning probe, so all 100 calls are in flight at once.
      { name: 'a', models: [{ id: 'x' }], limits: { rpm: 1000 }, respond: () => ({ hang: true }) },
    ]);
    const controller = new AbortController();
    const pending = Array.from({ length: 100 }, () =>
      router.chat({ ...say('hi'), signal: controller.signal }).catch((caught: unknown) => caught),
    );
    await clock.flush();
    expect(adapters[0]?.calls).toHaveLength(100);
    expect(listeners(controller.signal)).toBe(1);
    expect(callerAbortSubscribers(controller.signal)).toBe(100);
    const reason = new Error('stop them all');
    controller.abort(reason);
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((outcome) => outcome === reason)).toBe(true);
    expect(adapters[0]?.calls.every(({ call }) => call.signal.aborted)).toBe(true);
    expect(callerAbortSubscribers(controller.signal)).toBe(0);
    expect(await leakWarnings()).toEqual([]);
  });

  it('leaves no listener behind once requests finish, whether they waited for a limit, backed off or streamed', async () => {
    const { router, clock } = setup([
      {
        name: 'a',
        models: [{ id: 'x' }],
        limits: { rpm: 20 },
        respond: (_call, { n }) => (n === 1 ? { fail: 'server' } : { reply: 'ok', latencyMs: 50 }),
      },
    ]);
    const signal = new AbortController().signal;
    const chats = Array.from({ length: 60 }, () => router.chat({ ...say('hi'), signal }));
    const streams = Array.from({ length: 40 }, async () => {
      let text = '';
      for await (const event of router.stream({ ...say('hi'), signal }))
        if (event.type === 'text-delta') text += event.text;
      return text;
    });
    await clock.flush();
    expect(listeners(signal)).toBe(1);
    await clock.runAll();
    const results = await Promise.all(chats);
    expect(results.every((result) => result.text === 'ok')).toBe(true);
    expect((await Promise.all(streams)).every((text) => text === 'ok')).toBe(true);
    expect(listeners(signal)).toBe(0);
    expect(callerAbortSubscribers(signal)).toBe(0);
    expect(await leakWarnings()).toEqual([]);
  });

  it('calls each subscriber once and skips one removed while the abort runs', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const second = () => calls.push('second');
    addCallerAbort(controller.signal, () => {
      calls.push('first');
      removeCallerAbort(controller.signal, second);
    });
    addCallerAbort(controller.signal, second);
    addCallerAbort(controller.signal, () => calls.push('third'));
    controller.abort();
    expect(calls).toEqual(['first', 'third']);
    expect(listeners(controller.signal)).toBe(0);
    addCallerAbort(controller.signal, () => calls.push('late'));
    expect(callerAbortSubscribers(controller.signal)).toBe(0);
  });
});
