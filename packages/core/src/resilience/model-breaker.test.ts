import { describe, expect, it } from 'vitest';
import type { FailureClass } from '../failure.js';
import { FakeClock } from '../testing/index.js';
import { BREAKER_DEFAULTS, type CircuitState, ModelBreaker } from './model-breaker.js';

function setup(overrides: Partial<typeof BREAKER_DEFAULTS> = {}) {
  const clock = new FakeClock(0);
  const changes: Array<[number, CircuitState]> = [];
  const breaker = new ModelBreaker(
    { ...BREAKER_DEFAULTS, volumeThreshold: 4, ...overrides },
    clock,
    (state) => changes.push([clock.now(), state]),
  );
  const call = async (outcome: 'ok' | FailureClass) => {
    const permit = breaker.acquire(clock.now());
    if (!permit) return 'refused';
    if (outcome === 'ok') permit.succeed();
    else permit.fail(outcome);
    await clock.flush();
    return 'called';
  };
  return { clock, breaker, changes, call };
}

describe('ModelBreaker on a fake clock', () => {
  it('goes closed → open → half-open → closed', async () => {
    const { clock, breaker, changes, call } = setup();
    for (const outcome of ['ok', 'server', 'server', 'overloaded'] as const) await call(outcome);
    // 3 failures of 4 calls = 75 % > 50 %, volume reached
    expect(breaker.state(clock.now())).toBe('open');
    expect(await call('ok')).toBe('refused');
    expect(breaker.reopensAt()).toBe(30_000);

    await clock.advance(29_999);
    expect(breaker.state(clock.now())).toBe('open');
    await clock.advance(1);
    expect(breaker.state(clock.now())).toBe('half-open');

    // One probe at a time.
    const probe = breaker.acquire(clock.now());
    expect(probe).toBeDefined();
    expect(breaker.acquire(clock.now())).toBeUndefined();
    probe?.succeed();
    await clock.flush();
    expect(breaker.state(clock.now())).toBe('closed');
    expect(changes).toEqual([
      [0, 'open'],
      [30_000, 'half-open'],
      [30_000, 'closed'],
    ]);
    // No real timer was left behind and none of the clock's either.
    expect(clock.pendingTimers).toBe(0);
  });

  it('a failed probe opens the circuit again for a full reset time', async () => {
    const { clock, breaker, changes, call } = setup({ resetTimeoutMs: 1_000 });
    for (let i = 0; i < 4; i++) await call('timeout');
    await clock.advance(1_000);
    expect(await call('connection')).toBe('called');
    expect(breaker.state(clock.now())).toBe('open');
    expect(breaker.reopensAt()).toBe(2_000);
    await clock.advance(1_000);
    expect(breaker.state(clock.now())).toBe('half-open');
    expect(changes.map(([, state]) => state)).toEqual(['open', 'half-open', 'open', 'half-open']);
  });

  it.each(['rate_limit', 'quota', 'invalid_request', 'context_length', 'auth'] as const)(
    '%s is not a breaker failure',
    async (failure) => {
      const { clock, breaker, call } = setup();
      for (let i = 0; i < 10; i++) await call(failure);
      expect(breaker.state(clock.now())).toBe('closed');
    },
  );

  it('stays closed below the volume threshold', async () => {
    const { clock, breaker, call } = setup({ volumeThreshold: 5 });
    for (let i = 0; i < 4; i++) await call('server');
    expect(breaker.state(clock.now())).toBe('closed');
    await call('server');
    expect(breaker.state(clock.now())).toBe('open');
  });

  it('forgets failures that rolled out of the window', async () => {
    const { clock, breaker, call } = setup({ volumeThreshold: 4, rollingWindowMs: 10_000 });
    for (let i = 0; i < 3; i++) await call('server');
    await clock.advance(10_000);
    // The three old failures rotated out: one new failure out of one call is below the volume threshold.
    await call('server');
    expect(breaker.state(clock.now())).toBe('closed');
    for (let i = 0; i < 3; i++) await call('ok');
    // 1 failure of 4 = 25 %
    expect(breaker.state(clock.now())).toBe('closed');
  });

  it('counts successes of closed-circuit calls in the failure rate', async () => {
    const { clock, breaker, call } = setup({ volumeThreshold: 5 });
    for (let i = 0; i < 8; i++) await call('ok');
    for (let i = 0; i < 7; i++) await call('server');
    // 7 failures of 15 calls = 47 %: still closed; one more makes 8 of 16 = 50 %, not above.
    expect(breaker.state(clock.now())).toBe('closed');
    await call('server');
    expect(breaker.state(clock.now())).toBe('closed');
    await call('timeout');
    // 9 of 17 = 53 %
    expect(breaker.state(clock.now())).toBe('open');
  });
});
