/**
 * The contract every benchmark module keeps: export `name` and `run()`, and add one line to
 * `benches.ts`. Each row becomes a line of that bench's markdown table; `metrics` are its columns.
 */
export type BenchRow = {
  /** What was measured in this row, e.g. 'router + openai SDK'. */
  case: string;
  metrics: Record<string, number | string>;
  /** The target this row is judged against, e.g. 'goodput >= 95%', and whether it was met. */
  target?: { text: string; met: boolean };
};

export type BenchModule = {
  /** Short name, used for filtering (`pnpm bench goodput`) and as the table's heading. */
  name: string;
  /** One paragraph on what the bench does, printed above its table. */
  description?: string;
  run(): Promise<BenchRow[]>;
};
