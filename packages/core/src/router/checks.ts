// Small validators shared by option and request validation. Each returns a description of what is
// wrong, or undefined; the caller turns it into the right error type with the field's path.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

export function checkNumber(
  value: unknown,
  rules: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean },
): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value))
    return `must be a finite number, got ${describe(value)}`;
  if (rules.integer && !Number.isInteger(value)) return `must be an integer, got ${value}`;
  if (rules.min !== undefined) {
    if (rules.exclusiveMin ? value <= rules.min : value < rules.min)
      return `must be ${rules.exclusiveMin ? 'greater than' : 'at least'} ${rules.min}, got ${value}`;
  }
  if (rules.max !== undefined && value > rules.max) return `must be at most ${rules.max}, got ${value}`;
  return undefined;
}

/** The longest delay a Node timer takes; a longer one fires at once (with a TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2_147_483_647;

// Tool and schema objects are usually the same objects request after request (an agent loop): each is
// encoded once, not on every request (about 1-5 µs a schema). Should one be mutated into a cycle later,
// the adapter still reports the SDK's encoding failure as invalid_request.
const encodable = new WeakSet<object>();

/**
 * Whether JSON can encode the value (what every SDK does to it before sending). A cycle, a BigInt or a
 * throwing toJSON would otherwise fail inside the adapter, where it looks like the provider failing.
 */
export function checkJson(value: unknown): string | undefined {
  const cacheable = typeof value === 'object' && value !== null;
  if (cacheable && encodable.has(value)) return undefined;
  try {
    JSON.stringify(value);
    if (cacheable) encodable.add(value);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `must be encodable as JSON (${reason})`;
  }
}

export function checkBoolean(value: unknown): string | undefined {
  return typeof value === 'boolean' ? undefined : `must be a boolean, got ${describe(value)}`;
}

export function checkString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0
    ? undefined
    : `must be a non-empty string, got ${describe(value)}`;
}

export function checkOneOf(value: unknown, allowed: readonly string[]): string | undefined {
  return typeof value === 'string' && allowed.includes(value)
    ? undefined
    : `must be one of ${allowed.join(', ')}, got ${describe(value)}`;
}
