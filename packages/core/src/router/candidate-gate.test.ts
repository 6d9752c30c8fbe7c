import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError } from '../errors.js';
import { FakeClock, scriptedAdapter } from '../testing/index.js';
import type { Admission, CandidateGate, Outcome } from './candidate-gate.js';
import { buildRouter } from './router.js';
import { say } from './test-helpers.js';

function gated(gate: CandidateGate, clock = new FakeClock()) {
  const adapters = [
    scriptedAdapter({
      name: 'a',
      clock,
      models: [{ id: 'x', inputUsdPerMTok: 0.1 }],
      script: { x: [{ fail: 'rate_limit', retryAfterMs: 900 }] },
    }),
    scriptedAdapter({ name: 'b', clock, models: [{ id: 'y' }] }),
  ];
  return { clock, adapters, router: buildRouter({ providers: adapters, clock }, () => gate) };
}

describe('CandidateGate seam', () => {
  it('admits before each call and reports every outcome with its ticket', async () => {
    const reports: Array<[string, unknown, Outcome['type'], unknown]> = [];
    let tickets = 0;
    const gate: CandidateGate = {
      admit: () => ({ action: 'go', ticket: ++tickets }),
      report: (offer, _request, ticket, outcome) => {
        reports.push([
          offer.key,
          ticket,
          outcome.type,
          outcome.type === 'failure' ? outcome.retryAfterMs : undefined,
        ]);
      },
    };
    const { router } = gated(gate);
    await router.chat(say('hi'));
    expect(reports).toEqual([
      ['a/x', 1, 'failure', 900],
      ['b/y', 2, 'success', undefined],
    ]);
  });

  it('a skipped candidate is not called; skip reasons appear when nothing can go', async () => {
    const gate: CandidateGate = {
      admit: (offer) =>
        offer.provider === 'a' ? { action: 'skip', reason: 'cooling down' } : { action: 'go' },
      report: () => {},
    };
    const { router, adapters } = gated(gate);
    expect((await router.chat(say('hi'))).provider).toBe('b');
    expect(adapters[0]?.calls).toHaveLength(0);

    const closed = gated({ admit: () => ({ action: 'skip', reason: 'budget exhausted' }), report: () => {} });
    const error = await closed.router.chat(say('hi')).catch((caught: unknown) => caught);
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('a/x: budget exhausted');
  });

  it('waits for the soonest candidate when all say wait, and gives up if that is past the deadline', async () => {
    let open = false;
    const gate: CandidateGate = {
      admit: (): Admission =>
        open ? { action: 'go' } : { action: 'wait', reason: 'no tokens', retryInMs: 400 },
      report: () => {},
    };
    const { router, clock, adapters } = gated(gate);
    const pending = router.chat(say('hi'));
    await clock.advance(399);
    expect(adapters[0]?.calls).toHaveLength(0);
    open = true;
    await clock.advance(1);
    const result = await pending;
    expect(result.attempts[0]?.waitedMs).toBe(400);

    open = false;
    const error = await router.chat({ ...say('hi'), timeoutMs: 300 }).catch((caught: unknown) => caught);
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect((error as AllProvidersFailedError).retryAfterMs).toBe(400);
  });

  it('awaits an asynchronous admit and uses gate.wait when given', async () => {
    let calls = 0;
    const waits: number[] = [];
    const gate: CandidateGate = {
      admit: async () =>
        ++calls <= 2 ? { action: 'wait', reason: 'shared budget', retryInMs: 50 } : { action: 'go' },
      report: async () => {},
      wait: async (_request, ms) => {
        waits.push(ms);
      },
    };
    const { router } = gated(gate);
    expect((await router.chat(say('hi'))).text).toBe('ok');
    expect(waits).toEqual([50]);
  });

  it('a stream that breaks after content reports its estimated usage so budgets can settle', async () => {
    const outcomes: Outcome[] = [];
    const gate: CandidateGate = {
      admit: () => ({ action: 'go' }),
      report: (_offer, _request, _ticket, outcome) => {
        outcomes.push(outcome);
      },
    };
    const clock = new FakeClock();
    const adapter = scriptedAdapter({
      name: 'a',
      clock,
      models: [{ id: 'x' }],
      script: { x: [{ stream: [{ type: 'text-delta', text: 'Hello world' }], breakWith: 'stream_cut' }] },
    });
    const router = buildRouter({ providers: [adapter], clock }, () => gate);
    const stream = router.stream(say('hi'));
    await stream.result.catch(() => {});
    expect(outcomes).toMatchObject([{ type: 'failure', failure: 'stream_cut', usage: { outputTokens: 3 } }]);
  });

  it('an abort while an asynchronous admit is pending rejects at once and gives back a late grant', async () => {
    let grant: ((admission: Admission) => void) | undefined;
    const reports: Outcome['type'][] = [];
    const gate: CandidateGate = {
      admit: () =>
        new Promise<Admission>((resolve) => {
          grant = resolve;
        }),
      report: (_offer, _request, _ticket, outcome) => {
        reports.push(outcome.type);
      },
    };
    const { router, adapters, clock } = gated(gate);
    const controller = new AbortController();
    const pending = router.chat({ ...say('hi'), signal: controller.signal });
    await clock.flush();
    controller.abort('no more');
    await expect(pending).rejects.toBe('no more');
    grant?.({ action: 'go', ticket: 'reservation' });
    await clock.flush();
    expect(reports).toEqual(['cancelled']);
    expect(adapters[0]?.calls).toHaveLength(0);
  });

  it('the deadline also ends a pending asynchronous admit', async () => {
    const gate: CandidateGate = { admit: () => new Promise<Admission>(() => {}), report: () => {} };
    const { router, clock } = gated(gate);
    const pending = router.chat({ ...say('hi'), timeoutMs: 500 }).catch((caught: unknown) => caught);
    await clock.advance(500);
    expect(await pending).toMatchObject({ code: 'deadline_exceeded' });
  });
});
