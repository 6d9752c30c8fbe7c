import { checkBudgets, checkTenants } from '../budgets/budget-options.js';
import { systemClock, systemRandom } from '../clock.js';
import { ConfigError } from '../errors.js';
import { LEARNING_DEFAULTS } from '../resilience/learning-window.js';
import { SPECIFICATION_VERSION } from '../spec.js';
import { ALERT_CONDITIONS, type AlertRule } from './alerts.js';
import { checkNumber, checkOneOf, checkString, describe, isRecord, MAX_TIMER_MS } from './checks.js';
import { DEFAULTS, type ResolvedOptions, type RouterOptions, STRATEGIES, silentLogger } from './options.js';

const TOKEN_LIMIT_FIELDS = ['rpm', 'tpm', 'inputTpm', 'outputTpm'] as const;
const STORE_METHODS = ['reserve', 'settle', 'observe', 'inspect', 'cooldownUntil', 'setCooldown'] as const;
// Durations end up in timers (deadlines, waits, breaker resets); a Node timer beyond MAX_TIMER_MS fires at once.
const duration = { min: 0, max: MAX_TIMER_MS };
const positiveDuration = { min: 0, exclusiveMin: true, max: MAX_TIMER_MS };
// An alert window is counted in memory, not timed; a day is longer than any window worth alerting on,
// and a longer one (a typo in units) would keep an alert up for weeks after the traffic recovered.
const MAX_ALERT_WINDOW_MS = 86_400_000;

function fail(field: string, problem: string): never {
  throw new ConfigError(`${field} ${problem}`, { field });
}

function check(field: string, problem: string | undefined): void {
  if (problem) fail(field, problem);
}

function optionalNumber(
  owner: Record<string, unknown>,
  key: string,
  path: string,
  rules: Parameters<typeof checkNumber>[1],
): void {
  if (owner[key] !== undefined) check(`${path}.${key}`, checkNumber(owner[key], rules));
}

function checkLimits(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isRecord(value)) fail(path, `must be an object, got ${describe(value)}`);
  // A limit of 0 would admit nothing and leave requests waiting forever; no limit is said by omitting it.
  for (const key of TOKEN_LIMIT_FIELDS) optionalNumber(value, key, path, { min: 0, exclusiveMin: true });
  optionalNumber(value, 'maxConcurrent', path, { min: 1, integer: true });
}

function checkLongContext(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isRecord(value)) fail(path, `must be an object, got ${describe(value)}`);
  check(`${path}.aboveInputTokens`, checkNumber(value.aboveInputTokens, { min: 0, integer: true }));
  check(`${path}.inputUsdPerMTok`, checkNumber(value.inputUsdPerMTok, { min: 0 }));
  check(`${path}.outputUsdPerMTok`, checkNumber(value.outputUsdPerMTok, { min: 0 }));
  optionalNumber(value, 'cachedInputUsdPerMTok', path, { min: 0 });
  optionalNumber(value, 'cacheWriteUsdPerMTok', path, { min: 0 });
  optionalNumber(value, 'cacheWrite1hUsdPerMTok', path, { min: 0 });
}

function checkModels(value: unknown, path: string): void {
  if (!Array.isArray(value)) fail(path, `must be an array of model specs, got ${describe(value)}`);
  const seen = new Set<string>();
  for (const [index, model] of value.entries()) {
    const at = `${path}[${index}]`;
    if (!isRecord(model)) fail(at, `must be a model spec object, got ${describe(model)}`);
    check(`${at}.id`, checkString(model.id));
    if (seen.has(model.id as string)) check(`${at}.id`, `duplicates model "${model.id}"`);
    seen.add(model.id as string);
    check(`${at}.capability`, checkNumber(model.capability, { min: 1, max: 10 }));
    check(`${at}.inputUsdPerMTok`, checkNumber(model.inputUsdPerMTok, { min: 0 }));
    check(`${at}.outputUsdPerMTok`, checkNumber(model.outputUsdPerMTok, { min: 0 }));
    optionalNumber(model, 'cachedInputUsdPerMTok', at, { min: 0 });
    optionalNumber(model, 'cacheWriteUsdPerMTok', at, { min: 0 });
    optionalNumber(model, 'cacheWrite1hUsdPerMTok', at, { min: 0 });
    checkLongContext(model.longContext, `${at}.longContext`);
    check(
      `${at}.contextWindow`,
      checkNumber(model.contextWindow, { min: 0, exclusiveMin: true, integer: true }),
    );
    optionalNumber(model, 'maxOutputTokens', at, { min: 0, exclusiveMin: true, integer: true });
    checkLimits(model.limits, `${at}.limits`);
  }
}

function checkProviders(value: unknown): void {
  if (!Array.isArray(value) || value.length === 0)
    fail('providers', `must be a non-empty array of provider adapters, got ${describe(value)}`);
  const names = new Set<string>();
  for (const [index, adapter] of value.entries()) {
    const at = `providers[${index}]`;
    if (!isRecord(adapter)) fail(at, `must be a provider adapter, got ${describe(adapter)}`);
    if (adapter.specificationVersion !== SPECIFICATION_VERSION)
      check(
        `${at}.specificationVersion`,
        `must be '${SPECIFICATION_VERSION}', got ${describe(adapter.specificationVersion)} (adapter built for another version of @spillway/core?)`,
      );
    check(`${at}.name`, checkString(adapter.name));
    if (names.has(adapter.name as string))
      check(`${at}.name`, `duplicates provider name "${adapter.name}"; give each provider a unique name`);
    names.add(adapter.name as string);
    if (typeof adapter.doGenerate !== 'function') check(`${at}.doGenerate`, 'must be a function');
    if (typeof adapter.doStream !== 'function') check(`${at}.doStream`, 'must be a function');
    checkModels(adapter.models, `${at}.models`);
    checkLimits(adapter.limits, `${at}.limits`);
  }
}

function checkAlerts(value: unknown): AlertRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('alerts', `must be an array of alert rules, got ${describe(value)}`);
  const names = new Set<string>();
  return value.map((rule, index) => {
    const at = `alerts[${index}]`;
    if (!isRecord(rule)) fail(at, `must be an alert rule object, got ${describe(rule)}`);
    check(`${at}.name`, checkString(rule.name));
    if (names.has(rule.name as string)) check(`${at}.name`, `duplicates alert "${rule.name}"`);
    names.add(rule.name as string);
    check(`${at}.when`, checkOneOf(rule.when, ALERT_CONDITIONS));
    check(`${at}.above`, checkNumber(rule.above, { min: 0, max: 1 }));
    // A share is at most 1, so a rule for "above 1" could never fire.
    if (rule.above === 1) fail(`${at}.above`, 'must be below 1 (a share never goes above 1), got 1');
    check(
      `${at}.windowMs`,
      checkNumber(rule.windowMs, { min: 0, exclusiveMin: true, max: MAX_ALERT_WINDOW_MS }),
    );
    optionalNumber(rule, 'minSamples', at, { min: 1, integer: true });
    return { ...rule } as AlertRule;
  });
}

function checkStore(store: unknown): void {
  if (!isRecord(store)) fail('store', `must be a RouterStore, got ${describe(store)}`);
  const missing = STORE_METHODS.filter((method) => typeof store[method] !== 'function');
  if (missing.length > 0)
    fail('store', `must be a RouterStore (memoryStore() or redisStore()); missing ${missing.join(', ')}`);
}

function budgetTargets(options: RouterOptions) {
  const providers = new Set<string>();
  const models = new Set<string>();
  for (const adapter of options.providers) {
    providers.add(adapter.name);
    for (const model of adapter.models) models.add(model.id);
  }
  return { providers, models };
}

function checkLearning(raw: Record<string, unknown>): void {
  const learning = raw.learning;
  if (learning === undefined || learning === false) return;
  if (!isRecord(learning)) fail('learning', `must be an object or false, got ${describe(learning)}`);
  for (const key of ['initialInFlight', 'maxInFlight'])
    optionalNumber(learning, key, 'learning', { min: 1, max: 10_000, integer: true });
  const initial = (learning.initialInFlight as number | undefined) ?? LEARNING_DEFAULTS.initialInFlight;
  const most = (learning.maxInFlight as number | undefined) ?? LEARNING_DEFAULTS.maxInFlight;
  if (initial > most)
    fail('learning.initialInFlight', `must not exceed learning.maxInFlight (${most}), got ${initial}`);
}

function checkSection(options: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (!isRecord(value)) check(key, `must be an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

/** Validates `createRouter` options and fills in defaults. Throws ConfigError naming the field. */
export function resolveOptions(options: RouterOptions): ResolvedOptions {
  if (!isRecord(options)) throw new ConfigError(`options must be an object, got ${describe(options)}`);
  const raw = options as unknown as Record<string, unknown>;
  checkProviders(raw.providers);
  if (raw.strategy !== undefined && typeof raw.strategy !== 'function')
    check('strategy', checkOneOf(raw.strategy, STRATEGIES)?.replace(', got', ' or a function, got'));
  optionalNumber(raw, 'maxAttempts', 'options', { min: 1, integer: true });
  for (const key of ['timeoutMs', 'attemptTimeoutMs', 'timeToFirstTokenMs', 'stallTimeoutMs'])
    optionalNumber(raw, key, 'options', positiveDuration);
  optionalNumber(raw, 'expectedOutputTokens', 'options', { min: 0, integer: true });
  const retry = checkSection(raw, 'retry');
  if (retry) for (const key of ['baseDelayMs', 'maxDelayMs']) optionalNumber(retry, key, 'retry', duration);
  const cooldown = checkSection(raw, 'cooldown');
  if (cooldown)
    for (const key of ['defaultMs', 'maxMs', 'quotaMs']) optionalNumber(cooldown, key, 'cooldown', duration);
  const breaker = checkSection(raw, 'breaker');
  if (breaker) {
    optionalNumber(breaker, 'errorThresholdPercentage', 'breaker', { min: 0, max: 100 });
    optionalNumber(breaker, 'volumeThreshold', 'breaker', { min: 0, integer: true });
    optionalNumber(breaker, 'resetTimeoutMs', 'breaker', duration);
  }
  const hedge = checkSection(raw, 'hedge');
  if (hedge) check('hedge.afterMs', checkNumber(hedge.afterMs, duration));
  const queue = checkSection(raw, 'queue');
  if (queue) optionalNumber(queue, 'maxWaiting', 'queue', { min: 0, integer: true });
  const budget = checkSection(raw, 'budget');
  if (budget) optionalNumber(budget, 'reserveFraction', 'budget', { min: 0, max: 0.9 });
  checkLearning(raw);
  const clock = raw.clock as Record<string, unknown> | undefined;
  if (
    clock !== undefined &&
    !(isRecord(clock) && ['now', 'setTimeout', 'clearTimeout'].every((k) => typeof clock[k] === 'function'))
  )
    check('clock', 'must have now(), setTimeout() and clearTimeout()');
  if (raw.random !== undefined && typeof raw.random !== 'function')
    check('random', 'must be a function returning [0, 1)');
  const logger = raw.logger as Record<string, unknown> | undefined;
  if (
    logger !== undefined &&
    !(isRecord(logger) && typeof logger.warn === 'function' && typeof logger.error === 'function')
  )
    check('logger', 'must have warn() and error()');
  if (raw.store !== undefined) checkStore(raw.store);
  if (
    raw.cache !== undefined &&
    !(isRecord(raw.cache) && typeof raw.cache.get === 'function' && typeof raw.cache.set === 'function')
  )
    check('cache', 'must be a response cache with get() and set() (memoryCache() or redisCache())');

  const alerts = checkAlerts(raw.alerts);
  const targets = budgetTargets(options);
  const budgets = checkBudgets(raw.budgets, 'budgets', targets);
  const tenants = checkTenants(raw.tenants, targets);

  const baseDelayMs = options.retry?.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const maxDelayMs = options.retry?.maxDelayMs ?? Math.max(DEFAULTS.maxDelayMs, baseDelayMs);
  if (maxDelayMs < baseDelayMs)
    check('retry.maxDelayMs', `must be at least retry.baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`);
  return {
    providers: options.providers,
    strategy: options.strategy ?? 'cheapest',
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    retry: { baseDelayMs, maxDelayMs },
    timeoutMs: options.timeoutMs,
    attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs,
    timeToFirstTokenMs: options.timeToFirstTokenMs ?? DEFAULTS.timeToFirstTokenMs,
    stallTimeoutMs: options.stallTimeoutMs ?? DEFAULTS.stallTimeoutMs,
    expectedOutputTokens: options.expectedOutputTokens ?? DEFAULTS.expectedOutputTokens,
    hedge: options.hedge,
    clock: options.clock ?? systemClock,
    random: options.random ?? systemRandom,
    logger: options.logger ?? silentLogger,
    alerts,
    budgets,
    tenants,
    raw: options,
  };
}
