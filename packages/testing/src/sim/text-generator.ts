import type { RandomSource } from '@spillway/core';
import { encode } from 'gpt-tokenizer';

// Each entry is one o200k token with its leading space, so a reply's token count is its word count
// and generation never runs the tokenizer.
const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an ' +
  'they you were her she there been one all we their has would when if so what will more no out up into ' +
  'time only new some could these two may first then do any like other my than now people over such our ' +
  'also most made after many before must through back years where much your way well down should because ' +
  'each just those how too little state good very make world still own see men work long get here between ' +
  'both life being under never day same another know while last might us great old year off come since ' +
  'against go came right used take three small large next early young important few public bad able ' +
  'router model token stream answer request budget limit window cloud fast quiet green river stone light ' +
  'paper signal garden market simple steady careful bright open clear'
)
  .split(' ')
  .map((word) => ` ${word}`)
  .filter((word) => encode(word).length === 1);

/** Text pieces (one token each) drawn from the word list. */
export function generateWords(random: RandomSource, count: number): string[] {
  const pieces: string[] = new Array(count);
  for (let index = 0; index < count; index++) {
    pieces[index] = WORDS[Math.floor(random() * WORDS.length)]!;
  }
  if (count > 0) pieces[0] = capitalize(pieces[0]!.slice(1));
  if (count > 1) pieces[count - 1] = '.';
  return pieces;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

const countCache = new Map<string, number>();

/** Real o200k token count, memoized for the repeated prompts of tests and benchmarks. */
export function countTokens(text: string): number {
  const cached = countCache.get(text);
  if (cached !== undefined) return cached;
  const count = encode(text).length;
  if (countCache.size > 2000) countCache.clear();
  countCache.set(text, count);
  return count;
}

/** FNV-1a: a cheap stable hash to derive each request's generator seed from its content. */
export function hashString(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
