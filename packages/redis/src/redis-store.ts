import { randomBytes } from 'node:crypto';
import type {
  Amounts,
  BudgetLimits,
  Dimension,
  Observation,
  ReserveResult,
  RouterStore,
  SpendHold,
  SpendSettlement,
} from '@spillway/core';
import { ConfigError, DIMENSIONS, SpendLedger } from '@spillway/core';
import type { Cluster, Redis } from 'ioredis';
import { BudgetMirror, type Inspection } from './budget-mirror.js';
import { REDIS_STORE_DEFAULTS as DEFAULTS } from './defaults.js';
import { type Lease, LeaseBook, levelsOf, type Renewal } from './lease-book.js';
import { OutageLedger } from './outage-ledger.js';
import { createClient, evaluate, withTimeout } from './redis-client.js';
import { type DegradedEvent, type RecoveredEvent, RedisHealth, type StoreLogger } from './redis-health.js';
import { type Script, scripts } from './scripts.js';

const MINUTE_MS = 60_000;

export type RedisStoreOptions = {
  /** A client you configured (`Redis` or `Cluster`); the store leaves it open on `close()`. */
  client?: Redis | Cluster;
  /** Or a URL (`redis://host:6379/0`): the store makes a client that fails fast, and closes it. */
  url?: string;
  /** Namespace for keys; processes that share limits use the same one. Default `spillway`. */
  prefix?: string;
  /** A command that takes longer degrades the store. Default 1000. */
  commandTimeoutMs?: number;
  /** While degraded, how often a call tries Redis again. Default 1000. */
  probeIntervalMs?: number;
  /** How long the first calls wait for the first connection. Default 2000. */
  connectTimeoutMs?: number;
  /** Fraction of each limit one process may use while degraded (1/N for N workers). Default 1. */
  degradedShare?: number;
  /**
   * How long a leased slice of a bucket may be spent locally before what is left goes back (and how soon
   * another process's cooldown is seen). Default 500; 0 sends one script per admission, as before leases.
   */
  leaseMs?: number;
  onDegraded?: (event: DegradedEvent) => void;
  onRecovered?: (event: RecoveredEvent) => void;
  logger?: StoreLogger;
};

type StoreEvents = { degraded: DegradedEvent; recovered: RecoveredEvent };

export interface RedisStore extends RouterStore {
  readonly kind: 'redis';
  /** True while limits are per process because Redis is unreachable. */
  readonly degraded: boolean;
  /** Synchronous: what the last reply from Redis said (the fallback's view while degraded). */
  inspect(key: string, limits: BudgetLimits, now: number): Inspection;
  /** Synchronous: the latest cooldown this process set or heard of from Redis. */
  cooldownUntil(key: string, now: number): number;
  /** Synchronous: a spend budget's total as Redis last said (plus what this process spent while degraded). */
  spentUsd(key: string, windowStart: number): number | undefined;
  on<E extends keyof StoreEvents>(event: E, listener: (event: StoreEvents[E]) => void): () => void;
  close(): Promise<void>;
}

type ReserveReply = [
  verdict: number,
  value: string,
  dimension: string,
  cooldownMs: number,
  snapshot: string[],
  spent: string[],
  grants: string[],
];

/**
 * A `RouterStore` in Redis: every process using the same Redis and prefix shares one set of budgets and
 * cooldowns. Each admission is one EVALSHA that refills by the server's clock and reserves all or nothing;
 * `inspect` and `cooldownUntil` answer from what the last reply said. When Redis fails, the store answers
 * from a local fallback (never hangs, never loses a call) and goes back to Redis once it answers again.
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const prefix = options.prefix ?? DEFAULTS.prefix;
  const timeoutMs = positive(options.commandTimeoutMs, DEFAULTS.commandTimeoutMs, 'commandTimeoutMs');
  const share = options.degradedShare ?? DEFAULTS.degradedShare;
  if (!(share > 0 && share <= 1))
    throw new ConfigError('redisStore: degradedShare must be in (0, 1]', { field: 'degradedShare' });
  const owned = options.client === undefined;
  const connectTimeoutMs = positive(options.connectTimeoutMs, DEFAULTS.connectTimeoutMs, 'connectTimeoutMs');
  const client = options.client ?? createClient(options.url, connectTimeoutMs);
  const mirror = new BudgetMirror();
  // Degraded admissions are answered by core's memory store (synchronous, microseconds), one per key,
  // started where Redis left off; what they hand out is charged to Redis once it answers again.
  const outages = new OutageLedger(mirror, share);
  const health = new RedisHealth(client, {
    probeIntervalMs: positive(options.probeIntervalMs, DEFAULTS.probeIntervalMs, 'probeIntervalMs'),
    connectTimeoutMs,
    logger: options.logger,
    onDegraded: options.onDegraded,
    onRecovered: options.onRecovered,
  });
  const limitArgsCache = new WeakMap<BudgetLimits, string[]>();
  const sharedLimits = new WeakMap<BudgetLimits, BudgetLimits>();

  // Spend totals as Redis last reported them, and what this process spent while Redis was unreachable:
  // the fallback's view of a spend budget, and the owed amounts charged once Redis answers again.
  const spend = new SpendLedger();
  const owed = new Map<string, { amountUsd: number; windowEnd: number }>();
  // On a Cluster every key shares the hash tag `{prefix}`, so one script may touch a model's keys and the
  // spend keys together (one slot holds them all); on one server each model keeps its own tag, as before.
  const cluster = (client as { isCluster?: boolean }).isCluster === true;
  const spendBudgets = true;

  const budgetKey = (key: string) => (cluster ? `{${prefix}}:${key}:budget` : `{${prefix}:${key}}:budget`);
  const spendKey = (key: string, windowStart: number) =>
    cluster ? `{${prefix}}:spend:${key}:${windowStart}` : `${prefix}:spend:${key}:${windowStart}`;
  const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
  if (!(leaseMs >= 0 && leaseMs <= 60_000))
    throw new ConfigError('redisStore: leaseMs must be between 0 and 60000', { field: 'leaseMs' });
  const leases = leaseMs > 0 ? new LeaseBook(leaseMs) : undefined;
  // Names this process's leases in Redis (letters first: the script keeps them as object keys).
  const holder = `p${randomBytes(8).toString('hex')}`;
  // A total lives until its window ends, and a minute more for calls settling late.
  const ttlOf = (windowEnd: number, now: number) =>
    String(Math.max(1, Math.ceil(windowEnd - now)) + MINUTE_MS);

  function learn(holds: readonly { key: string; windowStart: number; windowEnd: number }[], spent: string[]) {
    for (let index = 0; index < holds.length; index++) {
      const hold = holds[index] as SpendHold;
      const total = Number(spent[index]);
      if (Number.isFinite(total)) spend.learn(hold.key, hold.windowStart, hold.windowEnd, total);
    }
  }

  function localSpendReserve(holds: readonly SpendHold[] | undefined): number {
    if (!holds?.length) return -1;
    const short = spend.reserve(holds, share);
    if (short < 0) for (const hold of holds) owe(hold.key, hold.windowStart, hold.windowEnd, hold.amountUsd);
    return short;
  }

  function owe(key: string, windowStart: number, windowEnd: number, amountUsd: number) {
    const id = spendKey(key, windowStart);
    const entry = owed.get(id);
    if (entry) entry.amountUsd += amountUsd;
    else owed.set(id, { amountUsd, windowEnd });
  }

  // What this process spent while degraded goes to Redis before its next admission there.
  function chargeOwed(now: number): Promise<unknown> | undefined {
    if (owed.size === 0) return undefined;
    const keys: string[] = [];
    const args: string[] = [];
    for (const [id, entry] of owed) {
      if (entry.windowEnd <= now || entry.amountUsd === 0) continue;
      keys.push(id);
      args.push(String(entry.amountUsd), ttlOf(entry.windowEnd, now));
    }
    const sent = new Map(owed);
    owed.clear();
    if (keys.length === 0) return undefined;
    return run(scripts.charge, keys, args).catch(() => {
      // Still unreachable: keep owing.
      for (const [id, entry] of sent) {
        const again = owed.get(id);
        if (again) again.amountUsd += entry.amountUsd;
        else owed.set(id, entry);
      }
    });
  }
  const cooldownKey = (key: string) =>
    cluster ? `{${prefix}}:${key}:cooldown` : `{${prefix}:${key}}:cooldown`;

  function limitArgs(limits: BudgetLimits): string[] {
    let args = limitArgsCache.get(limits);
    if (!args) {
      args = [];
      for (const dimension of DIMENSIONS) {
        const limit = limits[dimension];
        if (limit) args.push(dimension, String(limit.capacity), String(limit.windowMs));
      }
      args.unshift(String(args.length / 3));
      limitArgsCache.set(limits, args);
    }
    return args;
  }

  // Degraded limits are the configured ones scaled by `degradedShare`, cached so the memory store sees
  // the same object each time.
  function localLimits(limits: BudgetLimits): BudgetLimits {
    if (share === 1) return limits;
    let scaled = sharedLimits.get(limits);
    if (!scaled) {
      scaled = {};
      for (const dimension of DIMENSIONS) {
        const limit = limits[dimension];
        if (limit) scaled[dimension] = { capacity: limit.capacity * share, windowMs: limit.windowMs };
      }
      sharedLimits.set(limits, scaled);
    }
    return scaled;
  }

  // The provider's limit and remaining count are the account's: a degraded process takes its share of
  // both. What it has in flight (`pending`) is its own, so it is not scaled.
  function localObservation(observation: Observation): Observation {
    if (share === 1) return observation;
    const scaled: Observation = {};
    for (const dimension of DIMENSIONS) {
      const seen = observation[dimension];
      if (!seen) continue;
      scaled[dimension] = {
        ...seen,
        ...(seen.limit === undefined ? {} : { limit: seen.limit * share }),
        ...(seen.remaining === undefined ? {} : { remaining: seen.remaining * share }),
      };
    }
    return scaled;
  }

  function localReserve(
    key: string,
    limits: BudgetLimits,
    amounts: Amounts,
    now: number,
    slackMs: number,
    holds?: readonly SpendHold[],
  ): ReserveResult {
    const outage = outages.open(key, now);
    const result = outage.store.reserve(key, localLimits(limits), amounts, now, slackMs);
    if (!result.ok) return result;
    // Spend while degraded: this process's share of each budget, counted from what Redis last said.
    const short = localSpendReserve(holds);
    if (short >= 0) {
      outage.store.settle(key, localLimits(limits), amounts, {}, now);
      const hold = holds?.[short] as SpendHold;
      return spendRefusal(hold, short, now, spend.spent(hold.key, hold.windowStart));
    }
    outages.spend(outage, amounts, 1);
    if (holds?.length) result.spentUsd = holds.map((hold) => spend.spent(hold.key, hold.windowStart));
    return result;
  }

  function localSettle(
    key: string,
    limits: BudgetLimits,
    reserved: Amounts,
    actual: Amounts,
    now: number,
    settlements?: readonly SpendSettlement[],
  ) {
    const outage = outages.open(key, now);
    outage.store.settle(key, localLimits(limits), reserved, actual, now);
    outages.spend(outage, reserved, -1);
    outages.spend(outage, actual, 1);
    if (settlements?.length) {
      spend.settle(settlements);
      for (const item of settlements)
        owe(item.key, item.windowStart, item.windowEnd, item.actualUsd - item.reservedUsd);
    }
  }

  const lostFlag = (key: string, now: number) => (mirror.lost(key, now) ? '1' : '0');

  // Loading every script once per connection spares the first calls a NOSCRIPT round trip each.
  let loading: Promise<unknown> | undefined;
  const preload = () => {
    loading = Promise.all(Object.values(scripts).map((script) => client.script('LOAD', script.lua)))
      .catch(() => {})
      .finally(() => {
        loading = undefined;
      });
  };
  client.on('ready', preload);
  if (client.status === 'ready') preload();

  async function run<T>(script: Script, keys: string[], args: string[]): Promise<T> {
    if (health.startup) await health.startup;
    if (loading) await loading;
    return withTimeout(evaluate<T>(client, script, keys, args), timeoutMs);
  }

  const usable = () => health.startup !== undefined || health.canTry();

  /** Runs `script` (Redis is usable); when it fails, answers with `local()`. */
  function shared<T, R>(
    script: Script,
    keys: string[],
    args: string[],
    onReply: (reply: T) => R,
    local: () => R | Promise<R>,
    onError?: () => void,
  ): Promise<R> {
    return run<T>(script, keys, args).then(
      (reply) => {
        health.succeeded();
        return onReply(reply);
      },
      (error: unknown) => {
        health.failed(error instanceof Error ? error.message : String(error));
        onError?.();
        return local();
      },
    );
  }

  function reserveReply(
    key: string,
    now: number,
    holds: readonly SpendHold[] | undefined,
    [verdict, value, dimension, cooldownMs, snapshot, spent]: ReserveReply,
  ): ReserveResult {
    mirror.budgets(key, snapshot, now);
    if (holds?.length) learn(holds, spent);
    if (verdict === 1) {
      const result: ReserveResult = { ok: true, headroom: Number(value) };
      if (holds?.length) result.spentUsd = spent.map(Number);
      return result;
    }
    if (verdict === 2) {
      mirror.cooldown(key, now + cooldownMs, now);
      return { ok: false, dimension: 'requests', retryInMs: cooldownMs };
    }
    if (verdict === 3) {
      const index = Number(value);
      return spendRefusal(holds?.[index] as SpendHold, index, now, Number(spent[index]));
    }
    const retryInMs = value === 'inf' ? Number.POSITIVE_INFINITY : Number(value);
    return { ok: false, dimension: dimension as Dimension, retryInMs };
  }

  /**
   * One reserve script. With `lease`, the same call gives back what the lease holds and asks for a new
   * slice (`renewal`); `amounts` may be empty (a lease only given back).
   */
  function remote(
    key: string,
    limits: BudgetLimits,
    amounts: Amounts,
    now: number,
    slackMs: number,
    holds: readonly SpendHold[] | undefined,
    lease: { lease: Lease; renewal: Renewal } | undefined,
  ): Promise<ReserveResult> {
    const args = [...limitArgs(limits), ...amountArgs(amounts), String(slackMs), lostFlag(key, now)];
    // The first reservation after an outage also charges what this process handed out meanwhile.
    const charge = outages.charge(key, localLimits(limits), now);
    if (charge) args.push('1', ...amountArgs(charge.owed), String(charge.cooldownMs));
    else args.push('0');
    const keys = [budgetKey(key), cooldownKey(key)];
    args.push(String(holds?.length ?? 0));
    for (const hold of holds ?? []) {
      keys.push(spendKey(hold.key, hold.windowStart));
      args.push(String(hold.limitUsd), String(hold.amountUsd), ttlOf(hold.windowEnd, now));
    }
    const sentWall = performance.now();
    if (lease) {
      const { returns, wants } = lease.renewal;
      args.push(
        '1',
        holder,
        String((leases as LeaseBook).leaseMs),
        ...returns.map(String),
        ...wants.map(String),
      );
    }
    const reserve = () =>
      shared<ReserveReply, ReserveResult>(
        scripts.reserve,
        keys,
        args,
        (reply) => {
          if (charge) outages.charged(key, charge);
          const result = reserveReply(key, now, holds, reply);
          if (lease && result.ok && leases?.granted(lease.lease, reply[6], levelsOf(reply[4]), now, sentWall))
            scheduleReturn(key, lease.lease);
          return result;
        },
        () => localReserve(key, limits, amounts, now, slackMs, holds),
        () => {
          if (charge) outages.unsent(key);
          if (lease) leases?.failed(lease.lease, lease.renewal);
        },
      );
    const charging = chargeOwed(now);
    return charging ? charging.then(reserve) : reserve();
  }

  // One renewal per key at a time: reservations that arrive meanwhile wait for its slice.
  function renew(key: string, limits: BudgetLimits, amounts: Amounts, now: number): Promise<ReserveResult> {
    const book = leases as LeaseBook;
    const lease = book.of(key, limits);
    if (lease.renewing) return lease.renewing.then(() => store.reserve(key, limits, amounts, now));
    lease.limits = limits;
    lease.now = now;
    const renewal = book.renewal(lease, amounts, book.leaseMs / 2);
    const done = remote(key, limits, amounts, now, 0, undefined, { lease, renewal });
    lease.renewing = done;
    const clear = () => {
      if (lease.renewing === done) lease.renewing = undefined;
    };
    done.then(clear, clear);
    return done;
  }

  // What a slice has left goes back when it expires, unless a renewal takes it first. The timer is the
  // only one per key and does not keep the process alive.
  function scheduleReturn(key: string, lease: Lease) {
    if (lease.timer) return;
    const wait = Math.max(1, lease.expiresAtWall - performance.now());
    lease.timer = setTimeout(() => {
      lease.timer = undefined;
      if (lease.renewing) return;
      if (performance.now() < lease.expiresAtWall) {
        scheduleReturn(key, lease);
        return;
      }
      void giveBack(key, lease);
    }, wait);
    lease.timer.unref?.();
  }

  function giveBack(key: string, lease: Lease): Promise<unknown> | undefined {
    const book = leases as LeaseBook;
    if (lease.renewing || health.degraded) return undefined;
    const renewal = book.giveBack(lease);
    if (!renewal) return undefined;
    const done = remote(key, lease.limits, {}, lease.now, 0, undefined, { lease, renewal });
    lease.renewing = done;
    const clear = () => {
      if (lease.renewing === done) lease.renewing = undefined;
    };
    done.then(clear, clear);
    return done;
  }

  const store: RedisStore = {
    kind: 'redis',
    get degraded() {
      return health.degraded;
    },

    spendBudgets,

    reserve(key, limits, amounts, now, slackMs = 0, holds?) {
      // A slice this process holds answers at once; a cold start (slack) and spend holds go to Redis.
      if (leases && slackMs <= 0 && !holds?.length && !health.degraded) {
        if (mirror.cooldownUntil(key, now) === 0) {
          const headroom = leases.take(key, amounts, now);
          if (headroom >= 0) return { ok: true, headroom };
        }
        if (usable()) return renew(key, limits, amounts, now);
      }
      if (!usable()) return localReserve(key, limits, amounts, now, slackMs, holds);
      return remote(key, limits, amounts, now, slackMs, holds, undefined);
    },

    settle(key, limits, reserved, actual, now, settlements?) {
      const deltas: Amounts = {};
      for (const dimension of DIMENSIONS)
        deltas[dimension] = (reserved[dimension] ?? 0) - (actual[dimension] ?? 0);
      if (!usable()) return localSettle(key, limits, reserved, actual, now, settlements);
      // With a lease the difference goes back with its next renewal (or when it expires); without one
      // it goes now, like before leases.
      const lease = settlements?.length ? undefined : leases?.get(key);
      if (lease) {
        (leases as LeaseBook).settle(lease, reserved, actual, now);
        if (lease.renewing || (leases as LeaseBook).live(lease, now)) {
          scheduleReturn(key, lease);
          return;
        }
        lease.limits = limits;
        lease.now = now;
        return giveBack(key, lease)?.then(() => undefined);
      }
      const keys = [budgetKey(key)];
      const args = [...limitArgs(limits), ...amountArgs(deltas), lostFlag(key, now)];
      args.push(String(settlements?.length ?? 0));
      for (const item of settlements ?? []) {
        keys.push(spendKey(item.key, item.windowStart));
        args.push(String(item.actualUsd - item.reservedUsd));
      }
      return shared<[string[], string[]], void>(
        scripts.settle,
        keys,
        args,
        ([snapshot, spent]) => {
          mirror.budgets(key, snapshot, now);
          if (settlements?.length) learn(settlements, spent);
        },
        () => localSettle(key, limits, reserved, actual, now, settlements),
      );
    },

    spentUsd(key, windowStart) {
      return spend.known(key, windowStart);
    },

    observe(key, observation: Observation, now) {
      const args: string[] = [];
      for (const dimension of DIMENSIONS) {
        const seen = observation[dimension];
        if (!seen || (seen.limit === undefined && seen.remaining === undefined)) continue;
        args.push(
          dimension,
          text(seen.limit),
          text(seen.remaining),
          String(seen.windowMs ?? MINUTE_MS),
          String(seen.pending ?? 0),
        );
      }
      if (args.length === 0) return;
      const local = () => outages.open(key, now).store.observe(key, localObservation(observation), now);
      if (!usable()) return local();
      args.unshift(lostFlag(key, now), String(args.length / 5));
      // What is left of this process's slice: the units it already sent are in `remaining`.
      const unspent = leases?.unspent(key, now);
      if (unspent) args.push(holder, ...unspent.map(String));
      return shared<string[], void>(
        scripts.observe,
        [budgetKey(key)],
        args,
        (snapshot) => mirror.budgets(key, snapshot, now),
        local,
      );
    },

    inspect(key, limits, now) {
      if (health.degraded) return outages.open(key, now).store.inspect(key, localLimits(limits), now);
      const seen = mirror.inspect(key, limits, now);
      if (leases)
        for (let i = 0; i < DIMENSIONS.length; i++) {
          const level = seen[DIMENSIONS[i] as Dimension];
          const held = leases.held(key, i, now);
          if (level && held > 0) level.available = Math.min(level.capacity, level.available + held);
        }
      return seen;
    },

    cooldownUntil(key, now) {
      return mirror.cooldownUntil(key, now);
    },

    setCooldown(key, until, now) {
      const local = mirror.cooldown(key, until, now);
      const ms = Math.ceil(until - now);
      if (ms <= 0 || !usable()) return local;
      return shared<number, number>(
        scripts.cooldown,
        [cooldownKey(key)],
        [String(ms)],
        (left) => mirror.cooldown(key, now + left, now),
        () => local,
      );
    },

    on(event, listener) {
      const listeners = health.listeners[event] as Set<typeof listener>;
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async close() {
      // Slices go back, so the other processes can spend them now.
      if (leases) {
        const returns: Array<Promise<unknown>> = [];
        for (const [, lease] of leases.all()) {
          if (lease.timer) clearTimeout(lease.timer);
          lease.timer = undefined;
          if (lease.renewing) returns.push(lease.renewing.catch(() => {}));
        }
        await Promise.all(returns);
        for (const [key, lease] of leases.all()) {
          const done = health.degraded ? undefined : giveBack(key, lease);
          if (done) returns.push(done);
        }
        await Promise.all(returns);
        for (const [, lease] of leases.all()) if (lease.timer) clearTimeout(lease.timer);
      }
      client.off('ready', preload);
      health.dispose();
      if (!owned) return;
      try {
        await withTimeout(client.quit(), timeoutMs);
      } catch {
        client.disconnect();
      }
    },
  };
  return store;
}

function amountArgs(amounts: Amounts): string[] {
  return DIMENSIONS.map((dimension) => String(amounts[dimension] ?? 0));
}

function text(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new ConfigError(`redisStore: ${name} must be a positive number`, { field: name });
  return value;
}

/** A reservation refused because spend budget `index` has no room until its window ends. */
function spendRefusal(hold: SpendHold, index: number, now: number, spentUsd: number): ReserveResult {
  return { ok: false, dimension: 'spend', retryInMs: hold.windowEnd - now, hold: index, spentUsd };
}
