// Helpers adapters share to read rate-limit response headers. Pure functions: no clock, no I/O.

/** Anything with a Fetch-style `get` (a `Headers`, or a plain lookup in tests). */
export type HeaderReader = { get(name: string): string | null | undefined };

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
};

// Hand-written scanners instead of regular expressions: these run on every response, and between two
// HTTP calls the CPU caches are cold; there the regex version (with `matchAll`) cost 13 µs more per
// response than these loops (docs/decisions/0700-http-overhead.md).
const isDigit = (code: number) => code >= 48 && code <= 57;

/** Where the decimal (`\d+(\.\d+)?`) starting at `from` ends, or -1 when there is none. */
function decimalEnd(text: string, from: number): number {
  let index = from;
  while (index < text.length && isDigit(text.charCodeAt(index))) index++;
  if (index === from) return -1;
  if (text.charCodeAt(index) !== 46 /* . */) return index;
  const fraction = index + 1;
  index = fraction;
  while (index < text.length && isDigit(text.charCodeAt(index))) index++;
  return index === fraction ? -1 : index;
}

/** The Go duration unit starting at `from` ('ms' before 'm': a part always starts with a digit). */
function unitAt(text: string, from: number): string | undefined {
  const two = text.slice(from, from + 2);
  if (two === 'ms' || two === 'us' || two === 'µs' || two === 'ns') return two;
  const one = text.charAt(from);
  return one === 'h' || one === 'm' || one === 's' ? one : undefined;
}

/**
 * Milliseconds in a Go-style duration as OpenAI and Groq send them in `x-ratelimit-reset-*`
 * ("1s", "6m0s", "2m59.56s", "12ms", "1h2m3s"). A bare number is read as seconds (Azure sends
 * integer seconds under the same header names). Anything else, or a negative value, is undefined.
 */
export function parseGoDuration(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (decimalEnd(text, 0) === text.length) return Number(text) * 1000;
  let total = 0;
  let index = 0;
  while (index < text.length) {
    const end = decimalEnd(text, index);
    if (end < 0) return undefined;
    const unit = unitAt(text, end);
    if (unit === undefined) return undefined;
    total += Number(text.slice(index, end)) * (UNIT_MS[unit] as number);
    index = end + unit.length;
  }
  return total;
}

/**
 * How long the server asked us to wait, in milliseconds, at most a day: `retry-after-ms` (float
 * milliseconds, sent by OpenAI-style APIs) first, then `retry-after` as seconds or an HTTP date.
 * Undefined when neither header is usable: a negative, zero or past value says nothing about when to
 * come back, so it reads as missing (the router then uses the reset headers or its own backoff).
 */
export function parseRetryAfter(
  headers: HeaderReader | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = positive(parseNumber(headers.get('retry-after-ms')));
  if (milliseconds !== undefined) return milliseconds;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = parseNumber(value);
  if (seconds !== undefined) return positive(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : positive(date - now);
}

/** Parses a header holding an integer, or undefined when it is absent or not a number. */
export function parseHeaderInteger(value: string | null | undefined): number | undefined {
  const parsed = parseNumber(value);
  return parsed === undefined ? undefined : Math.floor(parsed);
}

function parseNumber(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  const start = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  return decimalEnd(text, start) === text.length ? Number(text) : undefined;
}

function positive(milliseconds: number | undefined): number | undefined {
  return milliseconds !== undefined && milliseconds > 0 ? Math.min(milliseconds, DAY_MS) : undefined;
}
