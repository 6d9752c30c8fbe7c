import { describe, expect, it } from 'vitest';
import { parseLimitMessage } from './parse-limit-message.js';

describe('parseLimitMessage', () => {
  it.each([
    [
      'Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
      { requests: { limit: 3, remaining: 0, windowMs: 60_000 } },
    ],
    [
      'Rate limit reached for model `openai/gpt-oss-20b` in organization `org_x` service tier `on_demand` on requests per minute (RPM): Limit 30, Used 30, Requested 1. Please try again in 2s.',
      { requests: { limit: 30, remaining: 0, windowMs: 60_000 } },
    ],
    [
      'Rate limit reached for model `openai/gpt-oss-20b` in organization `org_x` service tier `on_demand` on tokens per minute (TPM): Limit 8000, Used 5536, Requested 5599. Please try again in 23.5125s.',
      { tokens: { limit: 8000, remaining: 2464, windowMs: 60_000 } },
    ],
    [
      'Rate limit reached for model `llama-3.1-8b-instant` on requests per day (RPD): Limit 14400, Used 14400, Requested 1.',
      { requests: { limit: 14400, remaining: 0, windowMs: 86_400_000 } },
    ],
  ])('reads %s', (message, expected) => {
    expect(parseLimitMessage(message)).toEqual(expected);
  });

  it('is undefined when the message names no exhausted limit', () => {
    expect(
      parseLimitMessage(
        'Request too large for gpt-4o on tokens per min (TPM): Limit 30000, Requested 34307.',
      ),
    ).toBeUndefined();
    expect(parseLimitMessage('You exceeded your current quota')).toBeUndefined();
  });
});
