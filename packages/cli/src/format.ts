/** A plain text table; the first row is the header, columns of numbers are right-aligned. */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const widths: number[] = [];
  for (const row of cells) {
    for (const [index, cell] of row.entries()) widths[index] = Math.max(widths[index] ?? 0, cell.length);
  }
  const numeric = widths.map((_, index) =>
    cells.slice(1).every((row) => /^[-$\d.,%]*$/.test(row[index] ?? '')),
  );
  const line = (row: string[]) =>
    row
      .map((cell, index) =>
        numeric[index] ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const [header = [], ...body] = cells;
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

/**
 * A dollar amount for people: three significant digits below a dollar ($0.0000282, $0.00412, $0.153),
 * cents from a dollar up ($12.35). Never float noise, never an exponent.
 */
export function usd(value: number): string {
  if (value === 0) return '$0';
  if (!Number.isFinite(value)) return `$${value}`;
  if (Math.abs(value) < 1e-10) return '<$0.0000000001';
  const rounded = Number(value.toPrecision(3));
  if (Math.abs(rounded) >= 1) return `$${value.toFixed(2)}`;
  const decimals = Math.min(10, 2 - Math.floor(Math.log10(Math.abs(rounded))));
  return `$${rounded.toFixed(decimals)}`;
}

/** An amount for machine-read output (JSONL): the number without float noise (0.1 + 0.2 → 0.3). */
export function cleanAmount(value: number): number {
  return Number(value.toPrecision(12));
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1_000)).padStart(2, '0')}s`;
}
