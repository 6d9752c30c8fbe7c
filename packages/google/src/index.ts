export type { GoogleProviderOptions } from './google.js';
export { google } from './google.js';
export { msUntilPacificMidnight, nextPacificMidnight } from './pacific-midnight.js';
export type { GeminiTier } from './tier-limits.js';
