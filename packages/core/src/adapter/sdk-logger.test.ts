import { describe, expect, it } from 'vitest';
import { registerSecret } from '../redact.js';
import { createSdkLog } from './sdk-logger.js';

describe('createSdkLog', () => {
  it('drops lines until attached, then sends the message to warn and what it quoted to debug, redacted', () => {
    const key = 'team-key-4d1c9e7a2b8f';
    registerSecret(key);
    const lines: string[] = [];
    const log = createSdkLog('openai');
    log.logger.error('Could not parse message into JSON:', 'early');
    log.attach({
      warn: (message) => lines.push(`warn ${message}`),
      error: (message) => lines.push(`error ${message}`),
      debug: (message, details) => lines.push(`debug ${message} ${JSON.stringify(details)}`),
    });
    log.logger.error('Could not parse message into JSON:', `{"text": "model said ${key}`);
    log.logger.info('request sent', { url: 'http://x' });
    expect(lines).toEqual([
      'warn openai SDK: Could not parse message into JSON:',
      'debug openai SDK: Could not parse message into JSON: {"detail":"{\\"text\\": \\"model said [redacted]"}',
      'debug openai SDK: request sent {"detail":"{\\"url\\":\\"http://x\\"}"}',
    ]);
  });

  it('truncates a long quote', () => {
    const details: unknown[] = [];
    const log = createSdkLog('groq');
    log.attach({ warn: () => {}, error: () => {}, debug: (_message, detail) => details.push(detail) });
    log.logger.warn('From chunk:', 'x'.repeat(5000));
    expect(String((details[0] as { detail: string }).detail).length).toBeLessThanOrEqual(501);
  });
});
