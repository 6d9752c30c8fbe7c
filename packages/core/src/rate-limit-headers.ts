// Helpers adapters share to read rate-limit response headers. Pure functions: no clock, no I/O.

/** Anything with a Fetch-style `get` (a `Headers`, or a plain lookup in tests). */
export type HeaderReader = { get(name: string): string | null | undefined };

const DAY_MS = 86_400_000;
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/;
const GO_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
};

/**
 * Milliseconds in a Go-style duration as OpenAI and Groq send them in `x-ratelimit-reset-*`
 * ("1s", "6m0s", "2m59.56s", "12ms", "1h2m3s"). A bare number is read as seconds (Azure sends
 * integer seconds under the same header names). Anything else, or a negative value, is undefined.
 */
export function parseGoDuration(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(GO_PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return total;
}

/**
 * How long the server asked us to wait, in milliseconds, clamped to [0, 1 day]: `retry-after-ms`
 * (float milliseconds, sent by OpenAI-style APIs) first, then `retry-after` as seconds or an HTTP
 * date. Undefined when neither header is usable.
 */
export function parseRetryAfter(
  headers: HeaderReader | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = parseNumber(headers.get('retry-after-ms'));
  if (milliseconds !== undefined) return clamp(milliseconds);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = parseNumber(value);
  if (seconds !== undefined) return clamp(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : clamp(date - now);
}

/** Parses a header holding an integer, or undefined when it is absent or not a number. */
export function parseHeaderInteger(value: string | null | undefined): number | undefined {
  const parsed = parseNumber(value);
  return parsed === undefined ? undefined : Math.floor(parsed);
}

function parseNumber(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (!/^-?\d+(?:\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function clamp(milliseconds: number): number {
  return Math.min(Math.max(milliseconds, 0), DAY_MS);
}
