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
