import type { Clock } from '../clock.js';
import type { Attempt } from '../types.js';
import type { EventHub, RouterEvents } from './events.js';

/** What an alert watches: the share of attempts that got a 429, of requests that fell back or failed. */
export type AlertCondition = 'rate_limited_share' | 'fallback_share' | 'error_share';
export const ALERT_CONDITIONS: readonly AlertCondition[] = [
  'rate_limited_share',
  'fallback_share',
  'error_share',
];

export type AlertRule = {
  /** Names the alert in its events; unique per router. */
  name: string;
  when: AlertCondition;
  /** Fires when the share in the window goes above this fraction (0.005 = 0.5%). */
  above: number;
  /** The sliding window the share is counted over. */
  windowMs: number;
  /** Fire only once the window holds at least this many attempts or requests. Default 1. */
  minSamples?: number;
};

export type AlertEvent = {
  name: string;
  when: AlertCondition;
  /** The share in the window when the alert changed state. */
  share: number;
  above: number;
  windowMs: number;
  /** Attempts or requests in the window that matched (`count`) out of all of them (`total`). */
  count: number;
  total: number;
};

// The window is counted in this many buckets, so it slides in steps of a tenth of its length.
const BUCKETS = 10;

/**
 * Counts one rule's hits and totals in time buckets, updated and evaluated when an attempt or request
 * finishes: no timer. With no traffic an alert keeps its state until the next finish evaluates it.
 */
class AlertWindow {
  readonly rule: AlertRule;
  readonly #bucketMs: number;
  readonly #index = new Array<number>(BUCKETS).fill(-1);
  readonly #hits = new Array<number>(BUCKETS).fill(0);
  readonly #totals = new Array<number>(BUCKETS).fill(0);
  active = false;

  constructor(rule: AlertRule) {
    this.rule = rule;
    this.#bucketMs = rule.windowMs / BUCKETS;
  }

  /** Counts one sample; returns the event to emit when the alert fires or clears. */
  record(now: number, hit: boolean): AlertEvent | undefined {
    const index = Math.floor(now / this.#bucketMs);
    const slot = index % BUCKETS;
    if (this.#index[slot] !== index) {
      this.#index[slot] = index;
      this.#hits[slot] = 0;
      this.#totals[slot] = 0;
    }
    (this.#totals[slot] as number)++;
    if (hit) (this.#hits[slot] as number)++;
    let count = 0;
    let total = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if ((this.#index[i] as number) > index - BUCKETS) {
        count += this.#hits[i] as number;
        total += this.#totals[i] as number;
      }
    }
    const share = total === 0 ? 0 : count / total;
    const { name, when, above, windowMs, minSamples = 1 } = this.rule;
    if (!this.active && share > above && total >= minSamples) this.active = true;
    else if (this.active && share <= above) this.active = false;
    else return undefined;
    return { name, when, share, above, windowMs, count, total };
  }
}

function fellBack(attempts: Attempt[]): boolean {
  const first = attempts[0];
  if (!first) return false;
  for (let i = 1; i < attempts.length; i++) {
    const attempt = attempts[i] as Attempt;
    if (attempt.provider !== first.provider || attempt.model !== first.model) return true;
  }
  return false;
}

// The caller's own doing (an abort, a bad request) says nothing about the providers.
function callerEnded(event: RouterEvents['request-finish']): boolean {
  return event.errorCode === 'aborted' || event.errorCode === 'invalid_request';
}

/** Subscribes the rules to the router's finish events; alerts are emitted on the same hub. */
export function watchAlerts(hub: EventHub, clock: Clock, rules: readonly AlertRule[]): void {
  const windows = rules.map((rule) => new AlertWindow(rule));
  const emit = (window: AlertWindow, hit: boolean) => {
    const event = window.record(clock.now(), hit);
    if (event) hub.emit(window.active ? 'alert' : 'alert-cleared', event);
  };
  const perAttempt = windows.filter((window) => window.rule.when === 'rate_limited_share');
  const perRequest = windows.filter((window) => window.rule.when !== 'rate_limited_share');
  if (perAttempt.length)
    hub.on('attempt-finish', ({ attempt }) => {
      const hit = attempt.outcome === 'rate_limit' || attempt.outcome === 'quota';
      for (const window of perAttempt) emit(window, hit);
    });
  if (perRequest.length)
    hub.on('request-finish', (event) => {
      if (callerEnded(event)) return;
      for (const window of perRequest)
        emit(window, window.rule.when === 'error_share' ? !event.ok : fellBack(event.attempts));
    });
}
