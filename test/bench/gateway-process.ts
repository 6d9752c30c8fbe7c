import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL } from './loopback.js';

// The servers the gateway bench puts between the client and the simulator, each in a process of its
// own started with plain `node` (no tsx loader, no source maps), as a user would run them:
// - `spillway serve`: the built CLI binary with a config file, exactly the production command;
// - the pass-through floor (sdk-proxy.mjs): node:http plus one official openai SDK call per request,
//   the least any gateway that reaches the provider through the SDK must do.

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', '..', 'packages', 'cli', 'bin', 'spillway.js');

export type ServerProcess = {
  url: string;
  /** CPU time (user + system, every thread, µs) the process has used so far; undefined off Linux. */
  cpuMicros(): number | undefined;
  close(): Promise<void>;
};

type Sim = { baseURL: string; apiKey: string };

/** `spillway serve --config gateway.json` over the simulator, one virtual key, default options. */
export async function startServeProcess(sim: Sim, key: string): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'spillway-bench-'));
  const config = join(dir, 'gateway.json');
  writeFileSync(
    config,
    JSON.stringify({
      providers: [{ kind: 'openai', apiKeyEnv: 'BENCH_SIM_KEY', baseURL: sim.baseURL, models: [MODEL] }],
      gateway: { keys: [{ keyEnv: 'BENCH_GATEWAY_KEY' }] },
    }),
  );
  // The access log stays on (the CLI's default); its lines go to /dev/null.
  const child = spawn(process.execPath, [CLI, 'serve', '--config', config, '--port', '0'], {
    env: { ...process.env, BENCH_SIM_KEY: sim.apiKey, BENCH_GATEWAY_KEY: key },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await announced(child, 'stderr', /on (http:\/\/\S+)/);
    return serverProcess(child, url, () => rmSync(dir, { recursive: true, force: true }));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The pass-through floor: node:http + the openai SDK, no router, no keys, no logs. */
export async function startSdkProxy(sim: Sim): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(here, 'sdk-proxy.mjs')], {
    env: { ...process.env, BENCH_SIM_URL: sim.baseURL, BENCH_SIM_KEY: sim.apiKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await announced(child, 'stdout', /(http:\/\/\S+)/);
  return serverProcess(child, url, () => {});
}

function announced(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onExit = (code: number | null) => reject(new Error(`server exited with ${code}: ${text}`));
    child.once('exit', onExit);
    child[stream]?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match?.[1]) {
        child.off('exit', onExit);
        resolve(match[1]);
      }
    });
  });
}

const ticks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function serverProcess(child: ChildProcess, url: string, cleanUp: () => void): ServerProcess {
  return {
    url,
    cpuMicros() {
      try {
        // Fields 14 and 15 of /proc/PID/stat: user and system time of all threads, in clock ticks.
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticks;
      } catch {
        return undefined;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          cleanUp();
          resolve();
          return;
        }
        child.once('exit', () => {
          cleanUp();
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
