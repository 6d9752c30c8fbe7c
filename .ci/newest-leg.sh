#!/usr/bin/env bash
# The second CI leg: the whole suite on Node 24 with the newest SDK majors (.ci/newest-versions.txt).
# It works on a copy of the checkout in a temp dir, so the main checkout's lockfile and node_modules
# stay as the Node 20 leg left them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

node24=$(npx -y node@24 -p process.execPath)
work=$(mktemp -d "${TMPDIR:-/tmp}/spillway-node24-XXXXXX")
trap 'rm -rf "$work"' EXIT

# Tracked and untracked-but-not-ignored files: what a fresh clone has, plus local edits.
git ls-files -z --cached --others --exclude-standard | (cd "$root" && xargs -0 cp --parents -t "$work" 2>/dev/null || true)
cd "$work"

# Each line becomes a pnpm override, so every workspace package gets that version.
{
  echo "overrides:"
  grep -v '^\s*\(#\|$\)' "$root/.ci/newest-versions.txt" | while read -r spec; do
    name=${spec%@*}
    echo "  '$name': '${spec##*@}'"
  done
} >> pnpm-workspace.yaml

export PATH="$(dirname "$node24"):$PATH"
echo "ci/node24: $(node --version), overrides: $(grep -v '^\s*\(#\|$\)' "$root/.ci/newest-versions.txt" | tr '\n' ' ')"
pnpm install --no-frozen-lockfile --reporter=silent
# What actually got installed, read from every workspace package's node_modules.
node -e '
  const { existsSync, readFileSync, readdirSync } = require("node:fs");
  const names = readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => l.slice(0, l.lastIndexOf("@")));
  const dirs = ["test", "examples", ...readdirSync("packages").map((d) => "packages/" + d)];
  const found = names.map((name) => {
    const versions = new Set(dirs.map((d) => `${d}/node_modules/${name}/package.json`).filter(existsSync)
      .map((f) => JSON.parse(readFileSync(f, "utf8")).version));
    return `${name}@${[...versions].join("|") || "not installed"}`;
  });
  console.log("ci/node24: installed " + found.join(" "));
' "$root/.ci/newest-versions.txt"
pnpm build
# Type errors against the newest SDK types (a user passing an openai 7 client) fail here.
pnpm typecheck
mkdir -p .tmp
npx vitest run --reporter=dot --reporter=json --outputFile.json=.tmp/vitest.json
node -e '
  const r = require("./.tmp/vitest.json");
  console.log(`ci/node24: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  if (r.numTotalTests === 0 || r.numFailedTests > 0) process.exit(1);
'
