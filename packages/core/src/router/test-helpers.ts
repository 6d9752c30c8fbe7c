import { seededRandom } from '../clock.js';
import { FakeClock, type ScriptedAdapterOptions, scriptedAdapter } from '../testing/index.js';
import type { ChatRequest } from '../types.js';
import type { Logger, RouterOptions } from './options.js';
import { createRouter } from './router.js';

export const say = (text: string): ChatRequest => ({ messages: [{ role: 'user', content: text }] });

export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (message: string, details?: Record<string, unknown>) =>
    lines.push(details ? `${message} ${JSON.stringify(details)}` : message);
  return { lines, warn: log, error: log, debug: log };
}

/** A router over scripted providers on a fake clock with a seeded random source. */
export function setup(
  providers: Array<Omit<ScriptedAdapterOptions, 'clock'>>,
  options: Partial<RouterOptions> = {},
) {
  const clock = new FakeClock();
  const adapters = providers.map((provider) => scriptedAdapter({ ...provider, clock }));
  const logger = recordingLogger();
  const router = createRouter({ providers: adapters, clock, random: seededRandom(7), logger, ...options });
  return { clock, adapters, router, logger };
}
