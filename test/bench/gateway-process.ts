import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRouter } from '@spillway/core';
import { startGateway } from '@spillway/gateway';
import { openai } from '@spillway/openai';
import { MODEL } from './loopback.js';

// The gateway as it runs in production: its own process (router, virtual key, /metrics), in front of
// the simulator the bench process runs. The parent reads the child's CPU time over IPC, so the
// gateway's own cost per request is measured apart from the client's and the simulator's.

type Message = { cpu: NodeJS.CpuUsage } | { url: string };

export type GatewayProcess = {
  url: string;
  /** CPU time (user + system, µs) the gateway process has used so far. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
};

export async function startGatewayProcess(sim: { baseURL: string; apiKey: string }, key: string) {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_GATEWAY_SIM: JSON.stringify({ ...sim, key }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Message>((resolve, reject) => {
      child.once('message', (message) => resolve(message as Message));
      child.once('exit', (code) => reject(new Error(`gateway process exited with ${code}`)));
    });
  const { url } = (await next()) as { url: string };
  return {
    url,
    async cpuMicros() {
      const reply = next();
      child.send('cpu');
      const { cpu } = (await reply) as { cpu: NodeJS.CpuUsage };
      return cpu.user + cpu.system;
    },
    close: () => stop(child),
  } satisfies GatewayProcess;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send('close');
  });
}

const serving = process.env.BENCH_GATEWAY_SIM;
if (serving && process.send) {
  const { baseURL, apiKey, key } = JSON.parse(serving) as { baseURL: string; apiKey: string; key: string };
  const router = createRouter({ providers: [openai({ apiKey, baseURL, models: [MODEL] })] });
  const gateway = await startGateway({ router, keys: [{ key }] });
  process.on('message', async (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (message === 'close') {
      await gateway.close();
      await router.close();
      process.disconnect();
    }
  });
  process.send({ url: gateway.url });
}
