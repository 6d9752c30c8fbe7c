import { describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io.js';
import { demoCommand } from './demo-command.js';

function capture(): { io: CliIO; text: () => string } {
  let text = '';
  const output = { isTTY: false, write: (chunk: string) => (text += chunk) };
  return { io: { stdout: output, stderr: output, env: {}, onInterrupt: () => () => {} }, text: () => text };
}

describe('spillway demo', () => {
  it('gives the same table and totals for the same seed, and its Groq outage trips and recovers a breaker', async () => {
    // Simulated time does not depend on the pace it is shown at: run it as fast as it goes.
    const argv = ['--requests', '120', '--seed', '7', '--time-scale', '1000000'];
    const runs: string[] = [];
    for (let run = 0; run < 2; run++) {
      const { io, text } = capture();
      expect(await demoCommand(argv, io)).toBe(0);
      runs.push(text());
    }
    const [first = '', second = ''] = runs.map((out) =>
      out
        .split('\n')
        .filter((line) => !/^\s+\d+\/120 /.test(line))
        .map((line) => line.replace(/\(wall time [^)]*\)/, '(wall time)'))
        .join('\n'),
    );
    expect(second).toBe(first);

    expect(first).toMatch(
      /^provider\s+served\s+attempts\s+tokens in\s+tokens out\s+429s sent\s+fallbacks\s+cooldowns\s+breaker trips\s+cost$/m,
    );
    for (const name of ['openai', 'anthropic', 'groq', 'google', 'total'])
      expect(first).toMatch(new RegExp(`^${name}\\s+\\d+\\s+\\d+`, 'm'));
    expect(first).toMatch(/^requests: 120 \(\d+ streamed\), answered: 120, errors the caller saw: 0$/m);
    const cached =
      /^response cache: (\d+) repeated prompts answered without a provider call .* saving \$0\.(\d+)$/m.exec(
        first,
      );
    expect(Number(cached?.[1])).toBeGreaterThan(0);
    expect(Number(cached?.[2])).toBeGreaterThan(0);
    expect(first).toMatch(/^cost: \$0\.\d+ routed vs \$0\.\d+ on gpt-5\.5 alone/m);
    const trips = /^groq(?:\s+\S+){7}\s+(\d+)\s+\$/m.exec(first)?.[1];
    expect(Number(trips)).toBeGreaterThan(0);
    // The outage, then a Groq model's breaker opening, probing, and closing once Groq is back.
    const timeline = first.slice(first.indexOf('the Groq outage, in simulated time:'));
    let at = 0;
    for (const step of [
      /Groq outage begins/,
      /groq\/\S+ breaker opens/,
      /Groq outage ends/,
      /groq\/\S+ breaker half-open: one probe call/,
      /groq\/\S+ breaker closes/,
    ]) {
      const found = timeline.slice(at).search(step);
      expect(found, `${step} after position ${at}`).toBeGreaterThanOrEqual(0);
      at += found + 1;
    }
  }, 60_000);

  it('refuses --live without any provider key', async () => {
    const { io } = capture();
    await expect(demoCommand(['--live'], io)).rejects.toThrow(/--live needs at least one of OPENAI_API_KEY/);
  });
});
