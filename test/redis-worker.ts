// One worker process of the multi-process Redis test: a router on the shared Redis store, sending chat
// requests to a simulated OpenAI provider when the parent asks, and answering with what happened.
import { createRouter } from '@spillway/core';
import { openai } from '@spillway/openai';
import { redisStore } from '@spillway/redis';

export type WorkerConfig = {
  redisUrl: string;
  baseURL: string;
  apiKey: string;
  prefix: string;
  rpm: number;
  /** A daily spend budget of `budgetUsd` on `budgetModel` only, shared by every worker through Redis. */
  budgetUsd?: number;
  budgetModel?: string;
};
export type RunCommand = {
  type: 'run';
  id: number;
  model: string | string[];
  concurrency: number;
  /** Send exactly this many requests (each must end), or … */
  count?: number;
  /** … keep sending until this many ms have passed; requests still waiting then end at the deadline. */
  durationMs?: number;
};
export type RunReport = {
  id: number;
  ok: number;
  failed: number;
  deadline: number;
  /** Refused with BudgetExceededError (nothing sent). */
  budgetExceeded: number;
  /** What the answered requests cost, by their usage. */
  costUsd: number;
  byModel: Record<string, number>;
  errors: string[];
  degraded: boolean;
  degradedEvents: number;
  recoveredEvents: number;
};

const config = JSON.parse(process.env.SPILLWAY_WORKER ?? '{}') as WorkerConfig;
let degradedEvents = 0;
let recoveredEvents = 0;
// Leases on (the default): the goodput bound of the parent test is for leased admission at a low limit
// shared by busy processes (decision 2240).
const store = redisStore({
  url: config.redisUrl,
  prefix: config.prefix,
  probeIntervalMs: 50,
  degradedShare: 1 / 4,
  onDegraded: () => degradedEvents++,
  onRecovered: () => recoveredEvents++,
});
const router = createRouter({
  providers: [
    openai({
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      models: [
        'gpt-5.4-nano',
        'gpt-5.4-mini',
        'gpt-5.4',
        'gpt-5.5',
        ...(config.budgetModel ? [config.budgetModel] : []),
      ],
      limits: { rpm: config.rpm },
    }),
  ],
  store,
  ...(config.budgetUsd === undefined || config.budgetModel === undefined
    ? {}
    : {
        budgets: [
          {
            name: 'sol',
            limitUsd: config.budgetUsd,
            window: 'day',
            scope: 'model',
            match: config.budgetModel,
          },
        ],
      }),
});

async function run(command: RunCommand): Promise<RunReport> {
  const report: RunReport = {
    id: command.id,
    ok: 0,
    failed: 0,
    deadline: 0,
    budgetExceeded: 0,
    costUsd: 0,
    byModel: {},
    errors: [],
    degraded: false,
    degradedEvents: 0,
    recoveredEvents: 0,
  };
  const endAt = command.durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + command.durationMs;
  let remaining = command.count ?? Number.POSITIVE_INFINITY;
  const lane = async () => {
    while (remaining-- > 0 && Date.now() < endAt) {
      try {
        const result = await router.chat({
          model: command.model,
          messages: [{ role: 'user', content: 'Say hello.' }],
          maxTokens: 16,
          ...(Number.isFinite(endAt)
            ? { timeoutMs: Math.max(1, endAt - Date.now()) }
            : { timeoutMs: 15_000 }),
        });
        report.ok++;
        report.costUsd += result.costUsd;
        report.byModel[result.model] = (report.byModel[result.model] ?? 0) + 1;
      } catch (error) {
        const { code, attempts } = error as { code?: string; attempts?: unknown[] };
        // In a timed run, a request the budget cannot admit before the end is refused without being sent.
        const unsent =
          code === 'deadline_exceeded' || (code === 'all_providers_failed' && attempts?.length === 0);
        if (code === 'budget_exceeded' && attempts?.length === 0) report.budgetExceeded++;
        else if (unsent && Number.isFinite(endAt)) report.deadline++;
        else {
          report.failed++;
          if (report.errors.length < 5) report.errors.push(`${code}: ${(error as Error).message}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, lane));
  return { ...report, degraded: store.degraded, degradedEvents, recoveredEvents };
}

process.on('message', (message: RunCommand | { type: 'close' }) => {
  if (message.type === 'close') {
    void Promise.all([router.close(), store.close()]).finally(() => process.exit(0));
    return;
  }
  void run(message).then((report) => process.send?.(report));
});
process.send?.({ type: 'ready' });
