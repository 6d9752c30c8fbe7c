import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { estimatePromptTokens, estimateTextTokens } from './estimate-tokens.js';

const require = createRequire(import.meta.url);
const { countTokens } = require('gpt-tokenizer/cjs/encoding/o200k_base') as {
  countTokens(text: string): number;
};

const samples: Record<string, string> = {
  prose:
    'A TypeScript SDK that agent code calls instead of a single provider client. It sends each chat request to the best model that can serve it now, keeps every provider inside its limits, and falls back without losing the request. '.repeat(
      10,
    ),
  code: 'export function refill(bucket: Bucket, now: number): void {\n  const elapsed = now - bucket.at;\n  if (elapsed > 0) bucket.level = Math.min(bucket.capacity, bucket.level + elapsed);\n}\n'.repeat(
    10,
  ),
  json: JSON.stringify({
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  }).repeat(10),
  german: 'Der schnelle braune Fuchs springt über den faulen Hund. '.repeat(20),
  chinese: '敏捷的棕色狐狸跳过了懒狗。'.repeat(20),
};

describe('estimateTextTokens', () => {
  // Under-estimates are what overfill a bucket, so they get the tighter bound.
  it.each(Object.keys(samples))('is close to o200k (-20 %% .. +50 %%) for %s', (name) => {
    const text = samples[name] as string;
    const exact = countTokens(text);
    const error = (estimateTextTokens(text) - exact) / exact;
    expect(error).toBeGreaterThan(-0.2);
    expect(error).toBeLessThan(0.5);
  });
});

describe('estimatePromptTokens', () => {
  it('adds framing per message, images, tool calls and tools, then the margin', () => {
    const text = estimateTextTokens('hello there');
    expect(estimatePromptTokens([{ role: 'user', content: 'hello there' }], undefined, { margin: 1 })).toBe(
      Math.ceil(3 + 4 + text),
    );
    const withImage = estimatePromptTokens(
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hello there' },
            { type: 'image', url: 'https://x/y.png' },
          ],
        },
      ],
      [{ name: 'f', parameters: { type: 'object' } }],
    );
    expect(withImage).toBeGreaterThan(Math.ceil((3 + 4 + text + 765) * 1.1));
    expect(estimatePromptTokens([], undefined)).toBe(4);
  });
});
