import { ConfigError } from '../errors.js';

export type AdapterOptionRules = {
  /** Where a usable SDK client has its call method, e.g. `['chat', 'completions', 'create']`. */
  clientMethod: readonly string[];
};

function fail(factory: string, field: string, problem: string): never {
  throw new ConfigError(`${factory}: ${field} ${problem}`, { field });
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Checks the options every adapter factory shares (`apiKey`, `baseURL`, `client`, `name`, `headers`),
 * so a wrong one is a ConfigError naming the field when the adapter is built, not a plain error (or a
 * request to a bad host) at the first call. Messages never repeat a value given as `apiKey`.
 */
export function checkAdapterOptions(factory: string, options: unknown, rules: AdapterOptionRules): void {
  if (options === undefined) return;
  if (!isRecord(options)) fail(factory, 'options', `must be an object, got ${kindOf(options)}`);
  const { apiKey, baseURL, client, name, headers } = options;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey === ''))
    fail(
      factory,
      'apiKey',
      `must be a non-empty string, got ${typeof apiKey === 'string' ? 'an empty one' : kindOf(apiKey)}`,
    );
  if (baseURL !== undefined) {
    if (typeof baseURL !== 'string') fail(factory, 'baseURL', `must be a string, got ${kindOf(baseURL)}`);
    if (!isHttpUrl(baseURL))
      fail(
        factory,
        'baseURL',
        `must be an absolute http(s) URL, got ${JSON.stringify(baseURL.slice(0, 80))}`,
      );
  }
  if (client !== undefined) {
    let target: unknown = client;
    for (const key of rules.clientMethod)
      target =
        isRecord(target) || typeof target === 'function'
          ? (target as Record<string, unknown>)[key]
          : undefined;
    if (typeof target !== 'function')
      fail(
        factory,
        'client',
        `must be an SDK client (one with ${rules.clientMethod.join('.')}()), got ${kindOf(client)}`,
      );
  }
  if (name !== undefined && (typeof name !== 'string' || name === ''))
    fail(factory, 'name', `must be a non-empty string, got ${kindOf(name)}`);
  if (headers !== undefined) {
    if (!isRecord(headers)) fail(factory, 'headers', `must be an object of strings, got ${kindOf(headers)}`);
    for (const [key, value] of Object.entries(headers))
      if (typeof value !== 'string')
        fail(factory, `headers.${key}`, `must be a string, got ${kindOf(value)}`);
  }
}
