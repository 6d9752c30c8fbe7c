import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';

// A third-party adapter as a plugin file in the user's project: plain JavaScript that imports nothing
// and speaks the Chat Completions wire with fetch. It registers its kind and its model's prices
// through the API the CLI hands it.
const PLUGIN = `
export function register(api) {
  api.registerCatalogModels([{
    kind: 'acme',
    spec: { id: 'acme-1', capability: 5, inputUsdPerMTok: 1, outputUsdPerMTok: 2, contextWindow: 32000 },
    priceAsOf: '2026-12-01',
    source: 'test plugin',
  }]);
  api.registerProviderKind('acme', {
    keyVariables: ['ACME_API_KEY'],
    protocol: 'openai',
    create: (options) => ({
      specificationVersion: 'v1',
      name: options.name ?? 'acme',
      kind: 'acme',
      models: api.resolveModels('acme', options.models),
      async doGenerate(call) {
        const response = await fetch(options.baseURL + '/chat/completions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer ' + options.apiKey },
          body: JSON.stringify({ model: call.model, messages: call.messages, max_tokens: call.maxTokens }),
          signal: call.signal,
        });
        const body = await response.json();
        return {
          text: body.choices[0].message.content,
          toolCalls: [],
          finishReason: 'stop',
          usage: {
            inputTokens: body.usage.prompt_tokens,
            outputTokens: body.usage.completion_tokens,
            totalTokens: body.usage.total_tokens,
          },
        };
      },
      async doStream() {
        throw new Error('acme streams are not part of this test');
      },
    }),
  });
}
`;

function capture(env: NodeJS.ProcessEnv) {
  let stderr = '';
  const io: CliIO = {
    stdout: { isTTY: false, write: () => true },
    stderr: { isTTY: false, write: (chunk: string) => (stderr += chunk) },
    env,
    onInterrupt: () => () => {},
  };
  return { io, stderr: () => stderr };
}

describe('config plugins', () => {
  let sim: SimulatedProvider;
  const dir = mkdtempSync(join(tmpdir(), 'spillway-plugins-'));
  const input = join(dir, 'in.jsonl');
  writeFileSync(join(dir, 'acme-plugin.mjs'), PLUGIN);
  writeFileSync(join(dir, 'no-register.mjs'), 'export const name = "nothing to see";\n');
  writeFileSync(
    join(dir, 'throws.mjs'),
    'export default { register() { throw new Error("bad setup"); } };\n',
  );
  writeFileSync(
    input,
    ['a', 'b']
      .map((id) => JSON.stringify({ id, messages: [{ role: 'user', content: 'hi' }], maxTokens: 8 }))
      .join('\n'),
  );

  const config = (plugins: unknown, name = 'config.json') => {
    const path = join(dir, name);
    writeFileSync(
      path,
      JSON.stringify({ plugins, providers: [{ kind: 'acme', baseURL: sim.baseURL, models: ['acme-1'] }] }),
    );
    return path;
  };
  const batch = async (configPath: string) => {
    const out = capture({ ACME_API_KEY: sim.apiKey });
    const output = join(dir, `out-${Math.random()}.jsonl`);
    const code = await main(['batch', input, '--out', output, '--config', configPath], out.io);
    return { code, stderr: out.stderr(), output };
  };

  beforeAll(async () => {
    sim = await startSimulatedProvider({ protocol: 'openai', replyTokens: 4 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('a plugin named by a path beside the config registers a kind the same config then uses', async () => {
    const { code, stderr, output } = await batch(config(['./acme-plugin.mjs']));
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { id: string; ok: boolean; provider: string; model: string; costUsd: number },
      );
    expect(lines.map((line) => [line.id, line.ok, line.provider, line.model]).sort()).toEqual([
      ['a', true, 'acme', 'acme-1'],
      ['b', true, 'acme', 'acme-1'],
    ]);
    // Priced from the catalog entry the plugin registered: $1 in and $2 out per million tokens.
    const usage = (lines[0] as unknown as { usage: { inputTokens: number; outputTokens: number } }).usage;
    expect(lines[0]?.costUsd).toBeCloseTo((usage.inputTokens * 1 + usage.outputTokens * 2) / 1e6, 12);
    expect(sim.stats().requests).toBe(2);
  });

  it.each([
    [['./missing.mjs'], /config error: plugins\[0\]: cannot load plugin "\.\/missing\.mjs"/],
    [
      ['./no-register.mjs'],
      /config error: plugins\[0\]: plugin "\.\/no-register\.mjs" exports no register\(api\) function/,
    ],
    [['./throws.mjs'], /config error: plugins\[0\]: plugin "\.\/throws\.mjs" failed to register: bad setup/],
    ['./acme-plugin.mjs', /config error: plugins must be an array of module names or paths/],
    [[''], /config error: plugins\[0\] must be a non-empty string/],
  ])('%j is a config error naming the plugin, and nothing is sent', async (plugins, message) => {
    const before = sim.stats().requests;
    const { code, stderr } = await batch(config(plugins, 'bad.json'));
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(sim.stats().requests).toBe(before);
  });
});
