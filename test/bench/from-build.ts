import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-module.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// `pnpm bench` loads the packages' TypeScript sources through tsx, whose transform wraps every function
// created at run time in a name-keeping call (Object.defineProperty). That put about 20 µs on the
// router's side that the built package does not have, so latency benches against the SDK build the
// packages (turbo's cache makes that quick when nothing changed) and measure in a child process
// without the source condition. The script prints its rows as JSON on its last line.
export function buildPackages(): void {
  execFileSync('pnpm', ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

export function rowsFromBuild(script: string): BenchRow[] {
  buildPackages();
  const output = execFileSync(process.execPath, ['--import', 'tsx', join('test', 'bench', script)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as BenchRow[];
}
