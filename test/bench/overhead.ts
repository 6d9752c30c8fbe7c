import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-module.js';

export const name = 'overhead';
export const description =
  'Latency of one non-streamed chat call, the two sides interleaved in one run (A, B, A, B …) so both see ' +
  'the same machine state. Over HTTP: the official openai SDK alone vs. the router calling the same SDK, ' +
  'each call timed until its I/O clean-up has run (one setImmediate, both sides), ' +
  'against a loopback simulator that answers at once. In memory: the router over an adapter that answers ' +
  'synchronously vs. calling that adapter directly, which isolates the router’s own work. The router runs ' +
  'from its build (dist), as users run it, like the SDK it is compared with.';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// `pnpm bench` loads the packages' TypeScript sources through tsx, whose transform wraps every function
// created at run time in a name-keeping call (Object.defineProperty). That put about 20 µs on the
// router's side that the built package does not have, so this bench builds the packages (turbo's cache
// makes that quick when nothing changed) and measures them in a child process without the source
// condition.
export async function run(): Promise<BenchRow[]> {
  execFileSync('pnpm', ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', join('test', 'bench', 'overhead-measure.ts')],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as BenchRow[];
}
