import { redact } from '../redact.js';
import type { Logger } from '../router/options.js';

/** The logger shape the Stainless SDKs (`openai`, `@anthropic-ai/sdk`, `groq-sdk`) take. */
export type SdkLogger = {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
};

export type SdkLog = {
  /** Give this to the SDK client as `logger` (with `logLevel: 'warn'`). */
  readonly logger: SdkLogger;
  /** Where the SDK's lines go from now on: the router's logger. Until then they are dropped. */
  attach(logger: Logger): void;
};

const MAX_DETAIL = 500;

function detail(values: unknown[]): string {
  const text = values.map((value) => (typeof value === 'string' ? value : safeJson(value))).join(' ');
  return redact(text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Routes an SDK client's own logging (which defaults to the console) through the router's logger.
 * The SDKs log a malformed stream chunk with the raw chunk, which is model output: the SDK's message
 * goes to `warn`, what it quoted only to `debug`, truncated and redacted.
 */
export function createSdkLog(provider: string): SdkLog {
  let target: Logger | undefined;
  const forward =
    (level: 'warn' | 'debug') =>
    (message: string, ...rest: unknown[]) => {
      if (!target) return;
      const line = `${provider} SDK: ${redact(String(message))}`;
      if (level === 'warn') target.warn(line);
      if (rest.length > 0) target.debug?.(line, { detail: detail(rest) });
      else if (level === 'debug') target.debug?.(line);
    };
  return {
    logger: {
      error: forward('warn'),
      warn: forward('warn'),
      info: forward('debug'),
      debug: forward('debug'),
    },
    attach(logger) {
      target = logger;
    },
  };
}
