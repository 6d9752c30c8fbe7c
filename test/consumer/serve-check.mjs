// Run by smoke.mjs inside the consumer project: `spillway serve --simulate` from the installed
// packages answers the official openai client through @spillway/gateway, then drains on SIGTERM.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import OpenAI from 'openai';

const KEY = 'sk-smoke-gateway-key';
writeFileSync(
  'gateway.json',
  JSON.stringify({
    providers: [{ kind: 'openai', models: ['gpt-5.4-mini'] }],
    gateway: { keys: [{ keyEnv: 'SMOKE_GATEWAY_KEY' }] },
  }),
);
// The bin itself under node (not through npx), so SIGTERM reaches the CLI.
const bin = 'node_modules/@spillway/cli/bin/spillway.js';
const args = [bin, 'serve', '--config', 'gateway.json', '--simulate', '--port', '0'];
const child = spawn(process.execPath, args, {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, SMOKE_GATEWAY_KEY: KEY },
});
// Whatever happens below, the server does not outlive this script.
process.on('exit', () => child.kill('SIGKILL'));
let stderr = '';
const url = await new Promise((resolve, reject) => {
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    const found = /on (http:\/\/\S+)/.exec(stderr)?.[1];
    if (found) resolve(found);
  });
  child.on('close', (code) => reject(new Error(`spillway serve exited ${code}: ${stderr}`)));
});
const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
const completion = await client.chat.completions.create({
  model: 'auto',
  messages: [{ role: 'user', content: 'Hi' }],
});
const exited = new Promise((resolve) => child.on('close', resolve));
child.kill('SIGTERM');
const code = await exited;
if (code !== 0) throw new Error(`spillway serve exited ${code} after SIGTERM: ${stderr}`);
console.log(`${completion.object} from ${completion.model} via ${url}`);
