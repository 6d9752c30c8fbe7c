import { describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io.js';
import { demoCommand } from './demo-command.js';

function capture(): { io: CliIO; text: () => string } {
  let text = '';
  const output = { isTTY: false, write: (chunk: string) => (text += chunk) };
  return { io: { stdout: output, stderr: output, env: {}, onInterrupt: () => () => {} }, text: () => text };
}

describe('spillway demo', () => {
  it('runs a small workload over four simulators and reports per provider, with no caller errors', async () => {
    const { io, text } = capture();
    const code = await demoCommand(['--requests', '60', '--seed', '3'], io);
    expect(code).toBe(0);
    const out = text();
    expect(out).toMatch(
      /^provider\s+served\s+attempts\s+tokens in\s+tokens out\s+429s sent\s+fallbacks\s+cooldowns\s+breaker trips\s+cost$/m,
    );
    for (const name of ['openai', 'anthropic', 'groq', 'google', 'total'])
      expect(out).toMatch(new RegExp(`^${name}\\s+\\d+\\s+\\d+`, 'm'));
    expect(out).toMatch(/^requests: 60 \(\d+ streamed\), answered: 60, errors the caller saw: 0$/m);
    expect(out).toMatch(/^cost: \$[\d.]+ routed vs \$[\d.]+ on gpt-5\.5 alone/m);
  }, 60_000);

  it('refuses --live without any provider key', async () => {
    const { io } = capture();
    await expect(demoCommand(['--live'], io)).rejects.toThrow(/--live needs at least one of OPENAI_API_KEY/);
  });
});
