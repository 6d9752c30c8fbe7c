import type { ChatRequest, ChatResult } from '@spillway/core';
import { cleanAmount } from '../format.js';
import { type InputItem, readInput } from './input-lines.js';
import { idKey, isBudgetExceeded, LineWriter, prepareOutput } from './output-file.js';

/** The part of a router the batch runner needs. */
export type BatchRouter = { chat(request: ChatRequest): Promise<ChatResult> };

export type BatchProgress = {
  /** Requests in this run's input not done by an earlier run. */
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  inFlight: number;
  costUsd: number;
  /** Lines written as `budget_exceeded` (the `budgetUsd` was spent); the next run retries them. */
  budgetExceeded: number;
  inputTokens: number;
  outputTokens: number;
};

export type BatchSummary = BatchProgress & {
  /** Ids skipped because an earlier run wrote them. */
  skipped: number;
  /** Lines reported but not written (no usable id, or an id seen earlier in the input). */
  unreadable: number;
  /** Bytes of a torn last line removed on resume. */
  trimmedBytes: number;
  /** `budget_exceeded` lines of an earlier run that this run did again. */
  retried: number;
  /** Stopped by `stop` before the input was finished. */
  interrupted: boolean;
};

export type BatchOptions = {
  input: string;
  output: string;
  router: BatchRouter;
  /** Requests in flight at once; the router's queue paces them to the limits. */
  concurrency: number;
  /**
   * Stop sending once this run has spent this much (USD): lines not sent yet are written as
   * `budget_exceeded`, which the next run retries. Give the router the same budget, so the requests in
   * flight cannot overspend it either (`spillway batch --budget-usd` does).
   */
  budgetUsd?: number;
  /** Request fields for lines that do not set them. */
  defaults?: Record<string, unknown>;
  /** Stop taking new lines (in-flight requests finish and are written). */
  stop?: AbortSignal;
  /** Abort in-flight requests; they are not written, so the next run redoes them. */
  abort?: AbortSignal;
  /** Called for every problem line, e.g. `line 7: not valid JSON`. */
  report?: (message: string) => void;
  onProgress?: (progress: BatchProgress) => void;
};

/**
 * Runs every line of a JSONL input through the router and appends one result line per id. Safe to
 * kill at any moment and run again: ids already in the output are skipped and a torn last line is
 * removed, so each id ends up written exactly once.
 */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const resume = prepareOutput(options.output);
  const summary: BatchSummary = {
    total: 0,
    done: 0,
    succeeded: 0,
    failed: 0,
    inFlight: 0,
    costUsd: 0,
    budgetExceeded: 0,
    inputTokens: 0,
    outputTokens: 0,
    skipped: 0,
    unreadable: 0,
    trimmedBytes: resume.trimmedBytes,
    retried: resume.retried,
    interrupted: false,
  };
  summary.total = await countPending(options.input, resume.done);
  const writer = new LineWriter(options.output);
  const seen = new Set<string>();
  const running = new Set<Promise<void>>();
  const report = options.report ?? (() => {});
  const progress = () => options.onProgress?.({ ...summary });
  const budgetUsd = options.budgetUsd;
  // Set once the budget is spent (or the router refused a request for it): no line is sent after.
  let spent = false;
  const overBudget = (id: unknown) => ({
    id,
    ok: false,
    error: {
      code: 'budget_exceeded',
      message: `--budget-usd ${budgetUsd} was spent before this line was sent; run again to retry it`,
    },
  });

  const finish = (record: unknown, ok: boolean, result?: ChatResult) => {
    writer.write(record);
    summary.done++;
    if (ok) summary.succeeded++;
    else if (isBudgetExceeded(record as { ok?: unknown })) {
      summary.budgetExceeded++;
      spent = true;
    } else summary.failed++;
    if (result) {
      summary.costUsd += result.costUsd;
      summary.inputTokens += result.usage.inputTokens;
      summary.outputTokens += result.usage.outputTokens;
      if (budgetUsd !== undefined && summary.costUsd >= budgetUsd) spent = true;
    }
    progress();
  };

  try {
    for await (const item of readInput(options.input)) {
      if (options.stop?.aborted) {
        summary.interrupted = true;
        break;
      }
      if (item.kind === 'unreadable') {
        summary.unreadable++;
        report(item.message);
        continue;
      }
      const key = idKey(item.id);
      if (resume.done.has(key)) {
        summary.skipped++;
        continue;
      }
      if (seen.has(key)) {
        summary.unreadable++;
        report(`line ${item.line}: id ${key} appears earlier in the input; this line is skipped`);
        continue;
      }
      seen.add(key);
      if (item.kind === 'invalid') {
        report(item.message);
        finish({ id: item.id, ok: false, error: { code: 'invalid_request', message: item.message } }, false);
        continue;
      }
      while (running.size >= options.concurrency && !spent) await Promise.race(running);
      if (options.stop?.aborted) {
        summary.interrupted = true;
        break;
      }
      if (spent) {
        finish(overBudget(item.id), false);
        continue;
      }
      const task = runOne(item, options, finish).finally(() => {
        running.delete(task);
        summary.inFlight = running.size;
      });
      running.add(task);
      summary.inFlight = running.size;
    }
    await Promise.all(running);
  } finally {
    writer.close();
  }
  summary.inFlight = 0;
  return summary;
}

async function runOne(
  item: Extract<InputItem, { kind: 'request' }>,
  options: BatchOptions,
  finish: (record: unknown, ok: boolean, result?: ChatResult) => void,
): Promise<void> {
  const request = { ...options.defaults, ...item.request } as ChatRequest;
  if (options.abort) request.signal = options.abort;
  try {
    const result = await options.router.chat(request);
    const record = {
      id: item.id,
      ok: true,
      text: result.text,
      ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
      finishReason: result.finishReason,
      provider: result.provider,
      model: result.model,
      usage: result.usage,
      costUsd: cleanAmount(result.costUsd),
      ...(result.cache ? { cache: result.cache } : {}),
    };
    finish(record, true, result);
  } catch (error) {
    // An aborted request is not an answer: leave it out so the next run redoes it.
    if (options.abort?.aborted) return;
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    finish(
      { id: item.id, ok: false, error: { code: typeof code === 'string' ? code : 'internal', message } },
      false,
    );
  }
}

async function countPending(input: string, done: Set<string>): Promise<number> {
  let count = 0;
  const seen = new Set<string>();
  for await (const item of readInput(input)) {
    if (item.kind === 'unreadable') continue;
    const key = idKey(item.id);
    if (done.has(key) || seen.has(key)) continue;
    seen.add(key);
    count++;
  }
  return count;
}
