import { createHash } from 'node:crypto';
import { countTokens } from './text-generator.js';

/** The prompt as a prefix cache sees it: the tool definitions, then each message's text in order. */
export type PromptParts = { tools: string; texts: string[] };

/** What one request read from the cache and wrote to it, in tokens. */
export type CacheUse = { read: number; written: number };

export type PromptCacheOptions = {
  /** Prompts shorter than this are never cached (OpenAI, Anthropic and Gemini Flash: 1024). Default 1024. */
  minTokens?: number;
  /** Prefixes remembered before the oldest are forgotten. Default 10,000. */
  maxEntries?: number;
};

const NO_USE: CacheUse = { read: 0, written: 0 };

/**
 * A deterministic prompt-prefix cache, as the providers keep one: a request whose prompt starts with
 * the messages of an earlier prompt on the same model reads those tokens from the cache. Prefixes end
 * at message boundaries (the providers cut at 128-token blocks or at breakpoints; close enough for a
 * simulator), and the token counts add up exactly to the prompt's, so `cached <= prompt` always holds.
 * Entries do not expire; `clear()` forgets them.
 */
export class PromptCache {
  readonly #minTokens: number;
  readonly #maxEntries: number;
  readonly #entries = new Set<string>();

  constructor(options: PromptCacheOptions = {}) {
    this.#minTokens = options.minTokens ?? 1024;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /**
   * Looks the prompt up and stores its prefixes. `upTo`: how many messages may be cached (Anthropic
   * caches only up to a `cache_control` breakpoint; 0 asks for nothing); the other protocols cache all.
   */
  use(model: string, prompt: PromptParts, upTo = prompt.texts.length): CacheUse {
    if (upTo <= 0) return NO_USE;
    const hash = createHash('sha256').update(model).update('\u0000').update(prompt.tools);
    let tokens = 3 + (prompt.tools ? countTokens(prompt.tools) : 0);
    let read = 0;
    let stored = 0;
    for (let index = 0; index < upTo; index++) {
      const text = prompt.texts[index] ?? '';
      hash.update('\u0000').update(text);
      tokens += 3 + (text ? countTokens(text) : 0);
      if (tokens < this.#minTokens) continue;
      const key = hash.copy().digest('base64');
      if (this.#entries.has(key)) read = tokens;
      else this.#remember(key);
      stored = tokens;
    }
    return { read, written: stored - read };
  }

  clear(): void {
    this.#entries.clear();
  }

  #remember(key: string): void {
    this.#entries.add(key);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.values().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
