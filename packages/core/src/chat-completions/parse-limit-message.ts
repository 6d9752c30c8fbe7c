import type { RateLimitSnapshot } from '../types.js';

// "... on requests per min (RPM): Limit 3, Used 3, Requested 1. ..." (OpenAI) and "... on requests per
// minute (RPM): Limit 30, Used 30, Requested 1. ..." (Groq). The body names the limit that refused the
// call, which is the only place Groq states its per-minute request limit.
const LIMIT_MESSAGE = /on (requests|tokens) per (min|minute|day) \([A-Z]+\): Limit (\d+), Used (\d+)/i;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The window a 429's message says was exhausted, as a rate-limit snapshot; undefined if it names none. */
export function parseLimitMessage(message: string): RateLimitSnapshot | undefined {
  const match = LIMIT_MESSAGE.exec(message);
  if (!match) return undefined;
  const [, dimension, per, limitText, usedText] = match;
  const limit = Number(limitText);
  const used = Number(usedText);
  if (!(limit > 0) || !Number.isFinite(used)) return undefined;
  const window = {
    limit,
    remaining: Math.max(0, limit - used),
    windowMs: per?.toLowerCase() === 'day' ? DAY_MS : MINUTE_MS,
  };
  return dimension?.toLowerCase() === 'tokens' ? { tokens: window } : { requests: window };
}
