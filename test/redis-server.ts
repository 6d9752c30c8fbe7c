import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function onPath(name: string): string | undefined {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The `redis-server` binary on PATH, or undefined (the Redis tests then skip and say why). */
export const redisServerBinary: string | undefined = onPath('redis-server');
/** `valkey-server` (a Redis fork speaking the same protocol), when installed: the store tests run on it too. */
export const valkeyServerBinary: string | undefined = onPath('valkey-server');
/** `redis-cli`, which creates a Cluster (`--cluster create`). */
export const redisCliBinary: string | undefined = onPath('redis-cli');

export const SKIP_REASON = 'redis-server is not on PATH (apt-get install redis-server): Redis tests skipped';
export const VALKEY_SKIP_REASON =
  'valkey-server is not on PATH (Debian 12 has it in bookworm-backports, which .ci/run adds): skipped';

export type RedisServer = {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: no goodbye to clients) and waits for it to exit. */
  kill(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. `resume()` thaws it. */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port, empty (persistence is off). */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

export async function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function launch(
  binary: string,
  port: number,
  dir: string,
  extra: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output.slice(-500)}`)));
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a throwaway `redis-server` (or `binary`, e.g. valkey-server) on a free loopback port, without
 * persistence, in a temp dir.
 */
export async function startRedisServer(binary = redisServerBinary): Promise<RedisServer> {
  if (!binary) throw new Error(SKIP_REASON);
  const dir = mkdtempSync(join(tmpdir(), 'spillway-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(binary, port, dir);
  const kill = async () => {
    if (!child) return;
    const current = child;
    child = undefined;
    current.kill('SIGKILL');
    await exited(current);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async restart() {
      await kill();
      child = await launch(binary, port, dir);
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
