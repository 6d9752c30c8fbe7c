import { describe, expect, it } from 'vitest';
import { PromptCache } from './prompt-cache.js';
import { countPromptTokens } from './reply-plan.js';

const long = 'alpha beta gamma delta '.repeat(300);
const prompt = (...texts: string[]) => ({ tools: '', texts });

describe('PromptCache', () => {
  it('reads the longest earlier prefix, ending at a message boundary, on the same model only', () => {
    const cache = new PromptCache();
    const first = prompt(long, 'question one');
    const total = countPromptTokens(first.texts, '');
    expect(cache.use('m', first)).toEqual({ read: 0, written: total });
    expect(cache.use('m', first)).toEqual({ read: total, written: 0 });
    const systemOnly = countPromptTokens([long], '');
    const next = prompt(long, 'question two');
    expect(cache.use('m', next)).toEqual({
      read: systemOnly,
      written: countPromptTokens(next.texts, '') - systemOnly,
    });
    expect(cache.use('other-model', first).read).toBe(0);
  });

  it('caches nothing below minTokens, and only up to the marked message when asked to', () => {
    const cache = new PromptCache({ minTokens: 1024 });
    expect(cache.use('m', prompt('short'))).toEqual({ read: 0, written: 0 });
    expect(cache.use('m', prompt('short'))).toEqual({ read: 0, written: 0 });
    const marked = prompt(long, 'question');
    expect(cache.use('m', marked, 0)).toEqual({ read: 0, written: 0 });
    const upToSystem = countPromptTokens([long], '');
    expect(cache.use('m', marked, 1)).toEqual({ read: 0, written: upToSystem });
    expect(cache.use('m', marked, 1)).toEqual({ read: upToSystem, written: 0 });
  });

  it('forgets the oldest prefixes beyond maxEntries, and everything on clear()', () => {
    const cache = new PromptCache({ maxEntries: 1 });
    cache.use('m', prompt(long));
    cache.use('m', prompt(`${long}!`));
    expect(cache.use('m', prompt(long)).read).toBe(0);
    cache.clear();
    expect(cache.use('m', prompt(`${long}!`)).read).toBe(0);
  });
});
