// Installs the workspace with pnpm when it has not been installed yet, so that a fresh clone
// needs only Node and npm: `npm run demo` and `npm test` work as the first commands.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.modules.yaml');
const lockfile = join(root, 'pnpm-lock.yaml');

const installed = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lockfile).mtimeMs;
if (!installed) {
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const onPath = hasPnpm();
  const [command, args] = onPath
    ? ['pnpm', ['install', '--frozen-lockfile']]
    : ['npx', ['--yes', packageManager, 'install', '--frozen-lockfile']];
  console.error(`spillway: installing dependencies (${command} ${args.join(' ')})`);
  execFileSync(command, args, { cwd: root, stdio: 'inherit' });
}

function hasPnpm() {
  try {
    const version = execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim();
    return version.startsWith('10.');
  } catch {
    return false;
  }
}
