import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModule, BenchRow } from './bench-module.js';
import { benches } from './benches.js';

// `pnpm bench` runs every bench; `pnpm bench goodput` only those whose name contains "goodput".
const filters = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function markdown(module: BenchModule, rows: BenchRow[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row.metrics)))];
  const hasTarget = rows.some((row) => row.target);
  const header = ['case', ...columns, ...(hasTarget ? ['target'] : [])];
  const lines = [
    `### ${module.name}`,
    '',
    ...(module.description ? [module.description, ''] : []),
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const row of rows) {
    const cells = [row.case, ...columns.map((column) => String(row.metrics[column] ?? ''))];
    if (hasTarget) cells.push(row.target ? `${row.target.met ? 'met' : 'MISSED'}: ${row.target.text}` : '');
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
console.log(
  `# spillway benchmarks\n\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}\n`,
);

const results: Array<{ name: string; rows: BenchRow[]; error?: string }> = [];
let failed = false;
for (const load of benches) {
  const module = await load();
  if (filters.length && !filters.some((filter) => module.name.includes(filter))) continue;
  try {
    const rows = await module.run();
    results.push({ name: module.name, rows });
    console.log(`${markdown(module, rows)}\n`);
  } catch (error) {
    failed = true;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    results.push({ name: module.name, rows: [], error: message });
    console.error(`bench ${module.name} failed: ${message}`);
  }
}

const directory = join(root, 'bench-results');
mkdirSync(directory, { recursive: true });
const file = join(directory, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`);
console.log(`results written to ${file.slice(root.length + 1)}`);
process.exitCode = failed ? 1 : 0;
