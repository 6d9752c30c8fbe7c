/** A plain text table with right-aligned numbers; the first row is the header. */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const widths: number[] = [];
  for (const row of cells) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  const numeric = (index: number) =>
    cells.slice(1).every((row) => row[index] === undefined || /^[-$\d.,%s×x ]+$/.test(row[index] ?? ''));
  const line = (row: string[]) =>
    row
      .map((cell, index) => (numeric(index) && index > 0 ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  const [header, ...body] = cells;
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header ?? []), rule, ...body.map(line)].join('\n');
}

/** A markdown table (for benchmark output and docs). */
export function formatMarkdownTable(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const [header, ...body] = rows.map((row) => row.map((cell) => String(cell)));
  if (!header) return '';
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`,
    ...body.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function usd(value: number): string {
  if (value === 0) return '$0';
  if (value < 0.01) return `$${value.toFixed(5)}`;
  return `$${value.toFixed(4)}`;
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1_000)).padStart(2, '0')}s`;
}
