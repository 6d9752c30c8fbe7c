import { type ChildProcess, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exited, freePort, launch, redisCliBinary, redisServerBinary } from './redis-server.js';

const run = promisify(execFile);

export const CLUSTER_SKIP_REASON = !redisServerBinary
  ? 'redis-server is not on PATH (apt-get install redis-server): Redis Cluster test skipped'
  : 'redis-cli is not on PATH (apt-get install redis-tools): Redis Cluster test skipped';
export const canStartCluster = redisServerBinary !== undefined && redisCliBinary !== undefined;

export type RedisCluster = {
  readonly nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
};

// A node also listens on its port + 10000 (the cluster bus): both must be free, and below 65536.
async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    try {
      await freePort(port);
      await freePort(port + 10_000);
      return port;
    } catch {}
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

/**
 * Six local `redis-server` nodes (cluster-enabled, temp dirs, no persistence) joined by
 * `redis-cli --cluster create … --cluster-replicas 1`: three primaries, each with a replica.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const binary = redisServerBinary;
  const cli = redisCliBinary;
  if (!binary || !cli) throw new Error(CLUSTER_SKIP_REASON);
  const dir = mkdtempSync(join(tmpdir(), 'spillway-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    while (ports.length < 6) {
      const port = await clusterPort();
      if (!ports.includes(port)) ports.push(port);
    }
    await Promise.all(
      ports.map(async (port) => {
        const nodeDir = join(dir, String(port));
        mkdirSync(nodeDir);
        children.push(
          await launch(binary, port, nodeDir, [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '5000',
          ]),
        );
      }),
    );
    await run(
      cli,
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    // Every node agrees the cluster is up before a client starts.
    for (const port of ports) {
      for (let i = 0; ; i++) {
        const { stdout } = await run(cli, ['-p', String(port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (i > 100) throw new Error(`cluster node ${port} is not ok: ${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
