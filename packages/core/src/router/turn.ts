import type { Clock } from '../clock.js';
import { AttemptSignal } from './attempt-signal.js';
import type { RouterEvents } from './events.js';
import type { Candidate } from './rank.js';

/** What picking found: the candidate to call, the gate's ticket for it, and how long the request waited. */
export type Pick = { candidate: Candidate; ticket: unknown; waitedMs: number };

/**
 * One attempt on one candidate: what was picked, when it started, and the signal its call gets (an
 * AttemptSignal, so one object per attempt carries both).
 */
export class Turn extends AttemptSignal {
  readonly candidate: Candidate;
  readonly ticket: unknown;
  readonly waitedMs: number;
  readonly startedAt: number;
  /** Set when this attempt falls back from another candidate (the event was emitted at its start). */
  readonly fallback: RouterEvents['fallback'] | undefined;
  /** The gate has heard how this attempt ended (its ticket is settled). */
  reported = false;

  constructor(
    pick: Pick,
    clock: Clock,
    caller: AbortSignal | undefined,
    deadline: number,
    abortable: boolean,
    fallback: RouterEvents['fallback'] | undefined,
  ) {
    super(clock, caller, deadline, abortable);
    this.candidate = pick.candidate;
    this.ticket = pick.ticket;
    this.waitedMs = pick.waitedMs;
    this.startedAt = clock.now();
    this.fallback = fallback;
  }
}
