import { ConfigError } from '../errors.js';
import { checkNumber, checkOneOf, checkString, describe, isRecord } from '../router/checks.js';

/** A calendar unit (UTC; `month` is the calendar month) or a window length in milliseconds. */
export type BudgetWindow = 'minute' | 'hour' | 'day' | 'month' | number;
export const BUDGET_WINDOWS: readonly string[] = ['minute', 'hour', 'day', 'month'];

/**
 * What a budget counts: every request (`global`), each tenant's requests (`tenant`), each provider's
 * (`provider`) or each model's (`model`). `match` narrows it to one tenant id, provider name or
 * model id; without it every tenant, provider or model gets a budget of its own.
 */
export type BudgetScope = 'global' | 'tenant' | 'provider' | 'model';
export const BUDGET_SCOPES: readonly BudgetScope[] = ['global', 'tenant', 'provider', 'model'];

export type Budget = {
  /** Named in errors, events and stats; unique among the budgets of one list. */
  name: string;
  limitUsd: number;
  window: BudgetWindow;
  /** Default 'global'. */
  scope?: BudgetScope;
  match?: string;
};

/** Per-tenant settings (DESIGN §7); a tenant not listed gets weight 1 and no limits of its own. */
export type TenantOptions = {
  /** Share of a saturated model's capacity relative to other tenants. Default 1. */
  weight?: number;
  /** Requests per minute this tenant may send, across all models. */
  rpm?: number;
  /** Tokens per minute this tenant may use, across all models. */
  tpm?: number;
  /** Budgets over this tenant's requests only (scope 'global' = all of them). */
  budgets?: Budget[];
};

export type TenantsOption = { [id: string]: TenantOptions };

/** Longest tenant id accepted: ids go into store keys, stats and telemetry attributes. */
export const MAX_TENANT_LENGTH = 256;

// Long enough for any calendar window; a window of years is a configuration mistake, not a budget.
const MAX_WINDOW_MS = 366 * 24 * 3_600_000;

function fail(field: string, problem: string): never {
  throw new ConfigError(`${field} ${problem}`, { field });
}

function check(field: string, problem: string | undefined): void {
  if (problem) fail(field, problem);
}

/** What a `match` can name, so a typo fails at createRouter instead of never matching. */
export type BudgetTargets = { providers: ReadonlySet<string>; models: ReadonlySet<string> };

function checkBudget(value: unknown, at: string, targets: BudgetTargets, inTenant: boolean): Budget {
  if (!isRecord(value)) fail(at, `must be a budget object, got ${describe(value)}`);
  check(`${at}.name`, checkString(value.name));
  check(`${at}.limitUsd`, checkNumber(value.limitUsd, { min: 0, exclusiveMin: true }));
  if (typeof value.window === 'number')
    check(`${at}.window`, checkNumber(value.window, { min: 1_000, max: MAX_WINDOW_MS, integer: true }));
  else
    check(
      `${at}.window`,
      checkOneOf(value.window, BUDGET_WINDOWS)?.replace(', got', ' or milliseconds (>= 1000), got'),
    );
  const scope = value.scope ?? 'global';
  check(`${at}.scope`, checkOneOf(scope, BUDGET_SCOPES));
  if (inTenant && scope === 'tenant')
    fail(
      `${at}.scope`,
      "must not be 'tenant' inside tenants: a tenant's budgets already count only its requests",
    );
  if (value.match !== undefined) {
    check(`${at}.match`, checkString(value.match));
    const match = value.match as string;
    if (scope === 'global') fail(`${at}.match`, "needs a scope ('tenant', 'provider' or 'model')");
    if (scope === 'provider' && !targets.providers.has(match))
      fail(`${at}.match`, `names provider "${match}", which is not configured`);
    if (scope === 'model' && !targets.models.has(match))
      fail(`${at}.match`, `names model "${match}", which no configured provider offers`);
    if (scope === 'tenant' && match.length > MAX_TENANT_LENGTH)
      fail(`${at}.match`, `must be at most ${MAX_TENANT_LENGTH} characters, got ${match.length}`);
  }
  const budget: Budget = {
    name: value.name as string,
    limitUsd: value.limitUsd as number,
    window: value.window as BudgetWindow,
    scope: scope as BudgetScope,
  };
  if (value.match !== undefined) budget.match = value.match as string;
  return budget;
}

/** Validates a `budgets` list (top level or a tenant's). Throws ConfigError naming the field. */
export function checkBudgets(
  value: unknown,
  path: string,
  targets: BudgetTargets,
  inTenant = false,
): Budget[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, `must be an array of budgets, got ${describe(value)}`);
  const names = new Set<string>();
  return value.map((item, index) => {
    const at = `${path}[${index}]`;
    const budget = checkBudget(item, at, targets, inTenant);
    if (names.has(budget.name)) fail(`${at}.name`, `duplicates budget "${budget.name}"`);
    names.add(budget.name);
    return budget;
  });
}

/** Validates the `tenants` option. Throws ConfigError naming the field. */
export function checkTenants(value: unknown, targets: BudgetTargets): Map<string, TenantOptions> {
  const tenants = new Map<string, TenantOptions>();
  if (value === undefined) return tenants;
  if (!isRecord(value)) fail('tenants', `must be an object of tenant settings by id, got ${describe(value)}`);
  for (const [id, settings] of Object.entries(value)) {
    const at = `tenants[${JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id)}]`;
    if (id.length === 0) fail('tenants', 'must not have an empty tenant id');
    if (id.length > MAX_TENANT_LENGTH)
      fail(at, `has an id longer than ${MAX_TENANT_LENGTH} characters (${id.length})`);
    if (!isRecord(settings)) fail(at, `must be an object, got ${describe(settings)}`);
    if (settings.weight !== undefined)
      check(`${at}.weight`, checkNumber(settings.weight, { min: 0, exclusiveMin: true, max: 1e6 }));
    for (const key of ['rpm', 'tpm'] as const)
      if (settings[key] !== undefined)
        check(`${at}.${key}`, checkNumber(settings[key], { min: 0, exclusiveMin: true }));
    const tenant: TenantOptions = {};
    if (settings.weight !== undefined) tenant.weight = settings.weight as number;
    if (settings.rpm !== undefined) tenant.rpm = settings.rpm as number;
    if (settings.tpm !== undefined) tenant.tpm = settings.tpm as number;
    if (settings.budgets !== undefined)
      tenant.budgets = checkBudgets(settings.budgets, `${at}.budgets`, targets, true);
    tenants.set(id, tenant);
  }
  return tenants;
}
