// `spillway serve` as operators run it: two gateway processes on one Redis in front of one provider
// keep that provider's RPM between them, share response-cache answers, and SIGTERM drains the streams in flight before exiting.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisServerBinary, SKIP_REASON, startRedisServer } from './redis-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages', 'cli', 'src', 'bin.ts');
const RPM = 12;
const KEY = 'sk-gw-replica-test-key';

type Replica = { child: ChildProcess; url: string; exited: Promise<number | null>; stdout: () => string };

function startReplica(config: string, env: NodeJS.ProcessEnv): Promise<Replica> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@spillway/source', bin, 'serve', '--config', config, '--port', '0'],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      const url = /on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) resolve({ child, url, exited, stdout: () => stdout });
    });
    exited.then((code) => reject(new Error(`spillway serve exited (${code}): ${stderr}`)));
  });
}

describe.skipIf(!redisServerBinary)(
  `spillway serve replicas${redisServerBinary ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let redis: RedisServer;
    let sim: SimulatedProvider;
    let replicas: Replica[] = [];

    beforeAll(async () => {
      [redis, sim] = await Promise.all([
        startRedisServer(),
        startSimulatedProvider({
          protocol: 'openai',
          limits: { rpm: RPM },
          latency: { tokensPerSecond: 100 },
        }),
      ]);
      const dir = mkdtempSync(join(tmpdir(), 'spillway-serve-'));
      const config = join(dir, 'gateway.json');
      writeFileSync(
        config,
        JSON.stringify({
          providers: [
            {
              kind: 'openai',
              baseURL: sim.baseURL,
              apiKeyEnv: 'SIM_OPENAI_KEY',
              models: ['gpt-5.4-mini', 'gpt-5.4-nano'],
              limits: { rpm: RPM },
            },
          ],
          // Requests the shared budget cannot take soon fail fast instead of queueing.
          timeoutMs: 4000,
          gateway: { keys: [{ keyEnv: 'GATEWAY_KEY', tenant: 'replica-test' }] },
          redis: { urlEnv: 'REDIS_URL', prefix: `gw-${process.pid}` },
          cache: { redis: { urlEnv: 'REDIS_URL', prefix: `gw-cache-${process.pid}` } },
        }),
      );
      const env = { SIM_OPENAI_KEY: sim.apiKey, GATEWAY_KEY: KEY, REDIS_URL: redis.url };
      replicas = await Promise.all([startReplica(config, env), startReplica(config, env)]);
    }, 120_000);

    afterAll(async () => {
      for (const replica of replicas) replica.child.kill('SIGKILL');
      await Promise.all([sim?.close(), redis?.stop()]);
    });

    // First: it spends one call of the provider's RPM, which the next test's bounds leave room for.
    it('two gateways with the cache on one Redis share answers: one replica’s miss is the other’s hit', {
      timeout: 60_000,
    }, async () => {
      const [first, second] = replicas.map(
        (replica) => new OpenAI({ baseURL: `${replica.url}/v1`, apiKey: KEY, maxRetries: 0 }),
      ) as [OpenAI, OpenAI];
      const params = { model: 'gpt-5.4-mini', messages: [{ role: 'user' as const, content: 'cache me' }] };
      const answered = await first.chat.completions.create(params);
      // The miss stores the answer in the background: wait until Redis holds it.
      const client = new Redis(redis.url);
      try {
        while ((await client.keys(`gw-cache-${process.pid}*`)).length === 0)
          await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        client.disconnect();
      }
      const again = await second.chat.completions.create(params);
      expect(again.choices[0]?.message.content).toBe(answered.choices[0]?.message.content);
      expect(sim.stats().requests).toBe(1);
    });

    it('two gateways on one Redis keep one provider RPM: the provider sends no 429', {
      timeout: 60_000,
    }, async () => {
      const clients = replicas.map(
        (replica) => new OpenAI({ baseURL: `${replica.url}/v1`, apiKey: KEY, maxRetries: 0 }),
      );
      const outcomes = await Promise.all(
        Array.from({ length: 2 * RPM }, (_, index) =>
          (clients[index % 2] as OpenAI).chat.completions
            .create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: `q${index}` }] })
            .then(
              () => 'ok' as const,
              (error: unknown) => (error instanceof OpenAI.APIError ? error.status : error),
            ),
        ),
      );
      const served = outcomes.filter((outcome) => outcome === 'ok').length;
      expect(sim.stats().rateLimited).toBe(0);
      expect(served).toBeGreaterThanOrEqual(RPM - 1);
      // Each process alone would have let RPM through: together they let RPM through (+ at most a refill).
      expect(sim.stats().requests).toBeLessThanOrEqual(RPM + 1);
      expect(
        outcomes.filter((outcome) => outcome !== 'ok').every((outcome) => typeof outcome === 'number'),
      ).toBe(true);
      for (const replica of replicas) {
        const lines = replica
          .stdout()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line));
        expect(lines.length).toBeGreaterThan(0);
        expect(
          lines.every((line) => line.tenant === 'replica-test' && !JSON.stringify(line).includes('q1')),
        ).toBe(true);
      }
    });

    it('SIGTERM finishes the streams in flight, then the process exits 0', { timeout: 60_000 }, async () => {
      const replica = replicas[1] as Replica;
      const client = new OpenAI({ baseURL: `${replica.url}/v1`, apiKey: KEY, maxRetries: 0 });
      const streams = await Promise.all(
        Array.from({ length: 5 }, () =>
          client.chat.completions.create({
            model: 'gpt-5.4-nano',
            messages: [{ role: 'user', content: 'Hi' }],
            stream: true,
          }),
        ),
      );
      replica.child.kill('SIGTERM');
      const finishes = await Promise.all(
        streams.map(async (stream) => {
          let finish: string | null | undefined;
          for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
          return finish;
        }),
      );
      expect(finishes).toEqual(Array(5).fill('stop'));
      expect(await replica.exited).toBe(0);
    });
  },
);
