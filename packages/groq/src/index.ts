export type { GroqProviderOptions } from './groq.js';
export { groq } from './groq.js';
