import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Every example runs as its own process, exactly as the README tells users to run it (tsx with the
// source condition), offline against simulated providers.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);
const env = {
  ...process.env,
  SPILLWAY_LIVE: '',
  OPENAI_API_KEY: '',
  ANTHROPIC_API_KEY: '',
  GROQ_API_KEY: '',
  GOOGLE_API_KEY: '',
  GEMINI_API_KEY: '',
  METRICS_PORT: '0', // telemetry.ts: any free port, so parallel runs do not collide
};

async function example(file: string, args: string[] = []) {
  const { stdout, stderr } = await run(tsx, ['--conditions=@spillway/source', file, ...args], {
    cwd: root,
    env,
    timeout: 110_000,
  });
  return { stdout, stderr };
}

describe.concurrent('examples', () => {
  it('basic-routing sends each request to the cheapest model that qualifies, over four providers', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/basic-routing.ts');
    expect(stdout).toMatch(/^providers: groq, openai, anthropic, google \(simulated\)$/m);
    expect(stdout).toMatch(/^a quick label \(any model\): groq\/openai\/gpt-oss-20b, \d+ tokens, \$/m);
    expect(stdout).toMatch(/^a careful plan \(capability >= 8\): google\/gemini-2\.5-pro, /m);
    expect(stdout).toMatch(/^a tool call \(needs tools\): groq\/.*tool calls: lookup_order\(/m);
  });

  it('openai-drop-in runs SDK-typed agent code unchanged and falls back on a 429', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/openai-drop-in.ts');
    expect(stdout).toMatch(
      /^chat\.completion from anthropic\/claude-sonnet-5 via \[openai\/gpt-5\.4-mini:rate_limit -> anthropic\/claude-sonnet-5:success\]$/m,
    );
    expect(stdout.match(/^chat\.completion from /gm)).toHaveLength(2);
  });

  it('gateway serves the OpenAI and Anthropic clients over HTTP and refuses a wrong key', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/gateway.ts');
    expect(stdout).toMatch(/^openai client: chat\.completion from claude-haiku-4-5 /m);
    expect(stdout).toMatch(/^anthropic client: message from /m);
    expect(stdout).toMatch(/^a wrong key: 401 AuthenticationError$/m);
  });

  it('fallback-on-429 answers every request although the cheapest provider sends 429s', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/fallback-on-429.ts');
    expect(stdout).toMatch(/^ {2}fallback: groq\/openai\/gpt-oss-20b \(rate_limit\) → /m);
    expect(stdout).toMatch(
      /^request 1: served by (openai|anthropic)\/\S+ after groq:rate_limit → \w+:success$/m,
    );
    expect(stdout.match(/^request \d: served by/gm)).toHaveLength(3);
  });

  it('tool-agent-loop runs a tool and ends with a text answer', { timeout: 120_000 }, async () => {
    const { stdout } = await example('examples/tool-agent-loop.ts');
    expect(stdout).toMatch(/^turn 1: \S+ finished with tool-calls$/m);
    expect(stdout).toMatch(/^ {2}tool get_weather\(\{"city":.*\}\) → \{"city":/m);
    expect(stdout).toMatch(/^turn 2: \S+ finished with stop$/m);
    expect(stdout).toMatch(/^answer: /m);
  });

  it('custom-adapter ranks the free service first and falls back when it is busy', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/custom-adapter.ts');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/→ faq\/faq-v1 \(faq:success\), \$0\.000000$/);
    expect(lines[2]).toMatch(/→ groq\/\S+ \(faq:overloaded → groq:success\)/);
    expect(lines[3]).toMatch(/^"Compare .*→ groq\/openai\/gpt-oss-120b \(groq:success\)/);
  });

  it('streaming falls back before the first token and reports a cut after it', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/streaming.ts');
    expect(stdout).toMatch(/^first: fallback groq \(overloaded\) → openai$/m);
    expect(stdout).toMatch(/^first: finished \(stop\), \d+ chars, \$/m);
    expect(stdout).toMatch(/^second: finished \(stop\)/m);
    expect(stdout).toMatch(/^third: interrupted after \d+ chars \(stream_cut\); partial text kept$/m);
  });

  it('ai-sdk runs generateText and streamText with a tool and falls back on a 429', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/ai-sdk.ts');
    expect(stdout).toMatch(
      /^generateText step 1: tool-calls via google\/gemini-2\.5-pro \[openai:rate_limit -> google:success\], called get_weather\(\{"city":/m,
    );
    expect(stdout).toMatch(/^generateText step 2: stop via /m);
    expect(stdout).toMatch(/^streamText tool call: get_weather\(\{"city":/m);
    expect(stdout).toMatch(/^streamText tool result: \{"city":.*"celsius":18/m);
    expect(stdout).toMatch(/^streamText finished \(stop\), [1-9]\d* chars via /m);
  });

  it('agents-sdk runs an agent with a tool and a handoff on the Responses API, absorbing a 429', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/agents-sdk.ts');
    expect(stdout).toMatch(/^tool call: get_weather\(\{"city":/m);
    expect(stdout).toMatch(/^tool output: .*18C, clear$/m);
    expect(stdout).toMatch(/^weather answer by triage: \S/m);
    expect(stdout).toMatch(/^handoff to: specialist$/m);
    expect(stdout).toMatch(/^trip answer by specialist, streamed [1-9]\d* chars$/m);
    expect(stdout).toMatch(/^429s absorbed: 1$/m);
  });

  it('langchain invokes ChatOpenAI with a tool through createRouterFetch, absorbing a 429', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/langchain.ts');
    expect(stdout).toMatch(/^tool call: get_weather\(\{"city":/m);
    expect(stdout).toMatch(/^answer: \S/m);
    expect(stdout).toMatch(/^served by anthropic: 2, 429s absorbed: 1$/m);
  });

  it('telemetry prints request and attempt spans, fires the 429 alert and serves Prometheus metrics', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/telemetry.ts');
    expect(stdout).toMatch(/^ALERT 429s: 100\.0% of 1 attempts$/m);
    expect(stdout).toMatch(/^chat served by anthropic\/claude-haiku-4-5 after 2 attempts$/m);
    expect(stdout).toContain("name: 'chat gpt-5.4-mini'");
    expect(stdout).toContain("name: 'attempt openai/gpt-5.4-mini'");
    expect(stdout).toContain("name: 'attempt anthropic/claude-haiku-4-5'");
    expect(stdout).toMatch(/^gen_ai_client_token_usage_sum\{.*gen_ai_token_type="input".*\} [1-9]\d*$/m);
    expect(stdout).toMatch(/^gen_ai_client_operation_time_to_first_chunk_count\{.*\} 1$/m);
    expect(stdout).toMatch(/^spillway_fallbacks_total\{spillway_failure="rate_limit",.*\} 1$/m);
    expect(stdout).toMatch(/^spillway_cooldowns_active\{spillway_provider="openai",.*\} 1$/m);
  });

  it('response-cache answers a repeat and a burst with one provider call each, and replays a stream', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await example('examples/response-cache.ts');
    expect(stdout).toMatch(/^first ask: cache miss, cost \$0\.\d+$/m);
    expect(stdout).toMatch(/^same ask: cache hit, cost \$0\.000000, same text: true$/m);
    expect(stdout).toMatch(/^10 identical asks at once: 1 provider call$/m);
    expect(stdout).toMatch(/^stream of the first ask, replayed: start, text-delta, finish; cache hit$/m);
    expect(stdout).toMatch(/^cache: false asks again: cache bypass$/m);
    expect(stdout).toMatch(/^stats: 2 hits, 9 coalesced, 2 misses, saved \$0\.\d+; provider calls: 3$/m);
  });

  it('the batch example writes one result per id with --simulate', { timeout: 120_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'spillway-example-')), 'results.jsonl');
    const { stderr } = await example('packages/cli/src/bin.ts', [
      'batch',
      'examples/batch/input.jsonl',
      '--out',
      out,
      '--simulate',
    ]);
    const results = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; ok: boolean });
    expect(results.map((result) => result.id).sort()).toEqual([
      'bad-1',
      'j1',
      'p1',
      's1',
      's2',
      't1',
      't2',
      't3',
    ]);
    expect(results.filter((result) => !result.ok).map((result) => result.id)).toEqual(['bad-1']);
    expect(stderr).toMatch(/line 7: "messages" must be a non-empty array/);
    expect(stderr).toMatch(/^done: 7 ok, 1 failed/m);
  });
});
