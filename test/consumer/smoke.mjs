// The consumer smoke test: what a user gets from `npm install`, checked outside the monorepo.
// Packs every public package (prepack builds it), installs the tarballs with plain npm into a fresh
// project in a temp dir, then: ESM import and CJS require of every export, strict `tsc --noEmit` of
// the README's "In code" snippet under moduleResolution node16 and bundler, that snippet run against
// the simulated providers of the installed @spillway/testing, `npx spillway --help`, and
// `npx spillway serve --simulate` answering the openai client.
// Usage: node test/consumer/smoke.mjs [--keep]   (exits non-zero at the first failing step)
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'spillway-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
const started = Date.now();

function step(name, fn) {
  const at = Date.now();
  try {
    const detail = fn();
    console.log(
      `consumer: ok   ${name} (${((Date.now() - at) / 1000).toFixed(1)} s)${detail ? ` ${detail}` : ''}`,
    );
  } catch (error) {
    console.error(`consumer: FAIL ${name}`);
    console.error(String(error.stdout ?? '') + String(error.stderr ?? '') || error.message);
    console.error(`consumer: the project is kept in ${work}`);
    process.exit(1);
  }
}

function run(command, args, cwd, env = {}) {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

// Every non-private workspace package, so a new package is checked without editing this file.
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), manifest: join(root, 'packages', dir, 'package.json') }))
  .filter(({ manifest }) => existsSync(manifest))
  .map(({ dir, manifest }) => ({ dir, json: readJson(manifest) }))
  .filter(({ json }) => !json.private);

step(`pack ${packages.length} packages`, () => {
  mkdirSync(tarballs);
  for (const { dir } of packages) run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  for (const file of readdirSync(tarballs)) {
    const listing = run('tar', ['tzf', join(tarballs, file)], work).split('\n');
    for (const required of ['package/LICENSE', 'package/README.md', 'package/package.json']) {
      if (!listing.includes(required)) throw new Error(`${file} has no ${required.slice(8)}`);
    }
    const manifest = run('tar', ['xzOf', join(tarballs, file), 'package/package.json'], work);
    if (manifest.includes('workspace:')) throw new Error(`${file} still depends on workspace: versions`);
    for (const target of exportTargets(JSON.parse(manifest))) {
      if (!listing.includes(`package/${target.slice(2)}`)) throw new Error(`${file} lacks ${target}`);
    }
  }
  return readdirSync(tarballs).join(' ');
});

step('npm install the tarballs into a fresh project', () => {
  mkdirSync(app);
  run('npm', ['init', '-y'], app); // a CommonJS project, as `npm init -y` makes it
  const rootJson = readJson(join(root, 'package.json'));
  const tools = ['typescript', '@types/node'].map((name) => `${name}@${rootJson.devDependencies[name]}`);
  // npm installs required peers itself; optional ones (vitest for @spillway/testing/conformance) we
  // add, so that every entry point can be imported.
  for (const { json } of packages) {
    for (const [name, meta] of Object.entries(json.peerDependenciesMeta ?? {})) {
      if (meta.optional) tools.push(`${name}@${json.peerDependencies[name]}`);
    }
  }
  const files = readdirSync(tarballs).map((file) => join(tarballs, file));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files, ...tools], app);
  const installed = (name) => readJson(join(app, 'node_modules', name, 'package.json')).version;
  return ['openai', '@anthropic-ai/sdk', 'groq-sdk', '@google/genai', 'ioredis', 'ai']
    .filter((name) => existsSync(join(app, 'node_modules', name)))
    .map((name) => `${name}@${installed(name)}`)
    .join(' ');
});

const specifiers = packages.flatMap(({ json }) =>
  Object.keys(json.exports ?? { '.': null }).map((key) =>
    key === '.' ? json.name : `${json.name}/${key.slice(2)}`,
  ),
);

// Public declarations name public types only: no .d.ts reachable from an entry point (other than
// @spillway/core/internal itself) imports the internal subpath, which may change in any release.
step('no public .d.ts reaches @spillway/core/internal', () => {
  const offenders = [];
  let checked = 0;
  for (const { json } of packages) {
    const installedDir = join(app, 'node_modules', json.name);
    for (const [key, target] of Object.entries(json.exports ?? {})) {
      if (json.name === '@spillway/core' && key === './internal') continue;
      const types = target?.types?.default ?? target?.types;
      if (typeof types !== 'string') continue;
      const queue = [join(installedDir, types)];
      const seen = new Set();
      while (queue.length > 0) {
        const file = queue.pop();
        if (seen.has(file) || !existsSync(file)) continue;
        seen.add(file);
        checked++;
        const text = readFileSync(file, 'utf8');
        if (text.includes('@spillway/core/internal'))
          offenders.push(`${json.name} ${key}: ${file.slice(installedDir.length + 1)}`);
        for (const [, relative] of text.matchAll(/(?:from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g))
          queue.push(join(dirname(file), relative.replace(/\.js$/, '.d.ts')));
      }
    }
  }
  if (offenders.length > 0)
    throw new Error(`declarations importing @spillway/core/internal:\n${offenders.join('\n')}`);
  return `(${checked} declaration files)`;
});

step('ESM import and CJS require of every export', () => {
  const list = JSON.stringify(specifiers);
  writeFileSync(
    join(app, 'import.mjs'),
    `for (const s of ${list}) { const m = await import(s); console.log(s, Object.keys(m).sort().join(',')); }\n`,
  );
  writeFileSync(
    join(app, 'require.cjs'),
    `for (const s of ${list}) { const m = require(s); console.log(s, Object.keys(m).sort().join(',')); }\n`,
  );
  const imported = runQuiet('node', ['import.mjs']);
  const required = runQuiet('node', ['require.cjs']);
  if (imported !== required) throw new Error(`import and require disagree:\n${imported}\n---\n${required}`);
  for (const line of imported.trim().split('\n')) {
    if (!line.includes(' ') || line.endsWith(' ')) throw new Error(`no exports: ${line}`);
  }
  return `(${specifiers.length} entry points)`;
});

// The README's first TypeScript block under "## In code", compiled as a user's ES module would be.
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const snippet = readme.split(/^## In code$/m)[1]?.match(/```ts\n([\s\S]*?)```/)?.[1];
if (!snippet) throw new Error('README.md has no ```ts block under "## In code"');
writeFileSync(join(app, 'snippet.mts'), snippet);

// A CommonJS TypeScript file that requires the router (TypeScript models require(esm) under nodenext).
writeFileSync(
  join(app, 'require-router.cts'),
  "import { createRouter } from '@spillway/core';\nimport { openai } from '@spillway/openai';\n" +
    'export const router = createRouter({ providers: [openai()] });\n',
);

// A user's own SDK clients handed to the adapters: the peer SDK the user installed (openai 7 on Node
// 24) must be the type our declarations name.
writeFileSync(
  join(app, 'own-clients.mts'),
  [
    "import Anthropic from '@anthropic-ai/sdk';",
    "import Groq from 'groq-sdk';",
    "import OpenAI from 'openai';",
    "import { anthropic } from '@spillway/anthropic';",
    "import { groq } from '@spillway/groq';",
    "import { openai } from '@spillway/openai';",
    "export const providers = [openai({ client: new OpenAI({ apiKey: 'k' }) }),",
    "  anthropic({ client: new Anthropic({ apiKey: 'k' }) }), groq({ client: new Groq({ apiKey: 'k' }) })];",
    '',
  ].join('\n'),
);

// node16 also compiles the snippet for the run below, and checks every shipped .d.ts (no skipLibCheck).
const tsc = {
  'moduleResolution node16 (and every .d.ts), with own SDK clients': [
    'node16',
    'node16',
    ['snippet.mts', 'own-clients.mts'],
    { outDir: 'build' },
  ],
  'moduleResolution bundler': ['preserve', 'bundler', ['snippet.mts'], { noEmit: true, skipLibCheck: true }],
  'a .cts that requires us, module nodenext': [
    'nodenext',
    'nodenext',
    ['require-router.cts'],
    { noEmit: true, skipLibCheck: true },
  ],
};
for (const [name, [module, moduleResolution, files, extra]] of Object.entries(tsc)) {
  step(`tsc --strict: the README snippet, ${name}`.replace('the README snippet, a .cts', 'a .cts'), () => {
    const compilerOptions = {
      target: 'ES2022',
      module,
      moduleResolution,
      strict: true,
      types: ['node'],
      ...extra,
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }, null, 2));
    run('npx', ['tsc', '-p', 'tsconfig.json'], app);
  });
}

step('run the snippet against the simulated providers of @spillway/testing', () => {
  cpSync(join(here, 'run-snippet.mjs'), join(app, 'run-snippet.mjs'));
  const output = runQuiet('node', ['run-snippet.mjs', './build/snippet.mjs']);
  if (!/ (openai|anthropic|groq|google) /.test(output)) throw new Error(`unexpected output:\n${output}`);
  return `→ ${output.trim().split('\n')[0].slice(-60)}`;
});

step('npx spillway --help', () => {
  const output = runQuiet('npx', ['--no-install', 'spillway', '--help']);
  if (!/spillway/.test(output)) throw new Error(`unexpected help:\n${output}`);
});

step('npx spillway serve --simulate answers the openai client, exits 0 on SIGTERM', () => {
  cpSync(join(here, 'serve-check.mjs'), join(app, 'serve-check.mjs'));
  return `→ ${runQuiet('node', ['serve-check.mjs']).trim()}`;
});

if (!keep) rmSync(work, { recursive: true, force: true });
console.log(
  `consumer: all steps passed in ${((Date.now() - started) / 1000).toFixed(1)} s (node ${process.version})`,
);

/** Runs a command in the app and fails on any stderr output (an experimental or deprecation warning). */
function runQuiet(command, args) {
  const result = spawnSync(command, args, { cwd: app, encoding: 'utf8' });
  if (result.status !== 0 || result.stderr.trim() !== '') {
    throw Object.assign(new Error(`${command} ${args.join(' ')} exited ${result.status}`), result);
  }
  return result.stdout;
}

function exportTargets(manifest) {
  const targets = [];
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  if (manifest.bin) walk(manifest.bin);
  return [...new Set(targets)];
}
