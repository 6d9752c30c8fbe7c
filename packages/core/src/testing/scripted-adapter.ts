import { type Clock, systemClock } from '../clock.js';
import { abortReason, ProviderError } from '../errors.js';
import type { FailureClass } from '../failure.js';
import {
  type AdapterCall,
  type AdapterResult,
  type AdapterStream,
  type AdapterStreamEvent,
  type ProviderAdapter,
  SPECIFICATION_VERSION,
} from '../spec.js';
import type { FinishReason, Limits, ModelSpec, RateLimitSnapshot, ToolCall, Usage } from '../types.js';

/** What the scripted provider does for one call. */
export type ScriptStep =
  | {
      reply: string;
      toolCalls?: ToolCall[];
      finishReason?: FinishReason;
      usage?: Partial<Usage>;
      latencyMs?: number;
      rateLimit?: RateLimitSnapshot;
    }
  | {
      fail: FailureClass;
      status?: number;
      message?: string;
      retryAfterMs?: number;
      rateLimit?: RateLimitSnapshot;
      latencyMs?: number;
    }
  /** Never answers; only the call's signal ends it. */
  | { hang: true }
  /** A stream of these events, `delayMs` apart; `breakWith` ends it with that failure after the events. */
  | {
      stream: AdapterStreamEvent[];
      delayMs?: number;
      breakWith?: FailureClass;
      /** Stop sending after the events and never end (for stall tests). */
      stallAfter?: boolean;
      latencyMs?: number;
      rateLimit?: RateLimitSnapshot;
    };

export type ScriptedCall = { n: number; model: string; call: AdapterCall; at: number };

export type ScriptedAdapterOptions = {
  name: string;
  kind?: string;
  models: Array<Partial<ModelSpec> & { id: string }>;
  limits?: Limits;
  clock?: Clock;
  /** Steps per model id, used in order; when a model's steps run out, it replies "ok". */
  script?: Record<string, ScriptStep[]>;
  /** Decides each step instead of `script`. */
  respond?: (call: AdapterCall, info: { n: number; model: string }) => ScriptStep;
};

export type ScriptedAdapter = ProviderAdapter & {
  /** Every call received, in order. */
  readonly calls: ScriptedCall[];
  /** Appends steps for a model. */
  push(model: string, ...steps: ScriptStep[]): void;
};

const MODEL_DEFAULTS = { capability: 5, inputUsdPerMTok: 1, outputUsdPerMTok: 2, contextWindow: 100_000 };

/**
 * An in-memory provider that follows a script. It lets router tests say exactly what each call
 * returns, on a fake clock, without HTTP.
 */
export function scriptedAdapter(options: ScriptedAdapterOptions): ScriptedAdapter {
  const clock = options.clock ?? systemClock;
  const scripts = new Map<string, ScriptStep[]>(
    Object.entries(options.script ?? {}).map(([model, steps]) => [model, [...steps]]),
  );
  const calls: ScriptedCall[] = [];
  const models: ModelSpec[] = options.models.map((model) => ({
    ...MODEL_DEFAULTS,
    supports: { tools: true, vision: true, json: true, streaming: true },
    ...model,
  }));

  function next(call: AdapterCall): ScriptStep {
    const n = calls.length + 1;
    calls.push({ n, model: call.model, call, at: clock.now() });
    if (options.respond) return options.respond(call, { n, model: call.model });
    return scripts.get(call.model)?.shift() ?? { reply: 'ok' };
  }

  function fail(step: Extract<ScriptStep, { fail: FailureClass }>, model: string): never {
    throw new ProviderError(step.message ?? `scripted ${step.fail}`, {
      failure: step.fail,
      provider: options.name,
      model,
      status: step.status,
      retryAfterMs: step.retryAfterMs,
      rateLimit: step.rateLimit,
    });
  }

  const adapter: ScriptedAdapter = {
    specificationVersion: SPECIFICATION_VERSION,
    name: options.name,
    kind: options.kind ?? 'scripted',
    models,
    limits: options.limits,
    calls,
    push(model, ...steps) {
      const list = scripts.get(model) ?? [];
      list.push(...steps);
      scripts.set(model, list);
    },

    async doGenerate(call) {
      const step = next(call);
      if ('hang' in step) return hang(call.signal);
      await wait(clock, 'latencyMs' in step ? step.latencyMs : undefined, call.signal);
      if ('fail' in step) fail(step, call.model);
      if ('stream' in step) {
        if (step.breakWith) fail({ fail: step.breakWith }, call.model);
        return collect(step.stream, call, step.rateLimit);
      }
      return reply(step, call);
    },

    async doStream(call) {
      const step = next(call);
      if ('hang' in step) return hang(call.signal);
      await wait(clock, 'latencyMs' in step ? step.latencyMs : undefined, call.signal);
      if ('fail' in step) fail(step, call.model);
      const plan =
        'stream' in step
          ? step
          : { stream: toEvents(reply(step, call)), rateLimit: step.rateLimit, delayMs: 0 };
      async function* events(): AsyncGenerator<AdapterStreamEvent> {
        for (const event of plan.stream) {
          await wait(clock, plan.delayMs, call.signal);
          yield event;
        }
        if ('stallAfter' in plan && plan.stallAfter) await hang(call.signal);
        if ('breakWith' in plan && plan.breakWith) fail({ fail: plan.breakWith }, call.model);
      }
      const stream: AdapterStream = { events: events(), rateLimit: plan.rateLimit };
      return stream;
    },
  };
  return adapter;
}

function reply(step: Extract<ScriptStep, { reply: string }>, call: AdapterCall): AdapterResult {
  const inputTokens = step.usage?.inputTokens ?? estimate(call);
  const outputTokens = step.usage?.outputTokens ?? Math.max(1, Math.ceil(step.reply.length / 4));
  return {
    text: step.reply,
    toolCalls: step.toolCalls ?? [],
    finishReason: step.finishReason ?? (step.toolCalls?.length ? 'tool-calls' : 'stop'),
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    rateLimit: step.rateLimit,
  };
}

function toEvents(result: AdapterResult): AdapterStreamEvent[] {
  const events: AdapterStreamEvent[] = [];
  for (const piece of result.text.match(/\S+\s*|\s+/g) ?? [])
    events.push({ type: 'text-delta', text: piece });
  for (const toolCall of result.toolCalls) events.push({ type: 'tool-call', toolCall });
  events.push({ type: 'usage', usage: result.usage });
  events.push({ type: 'finish', finishReason: result.finishReason, usage: result.usage });
  return events;
}

function collect(
  events: AdapterStreamEvent[],
  call: AdapterCall,
  rateLimit?: RateLimitSnapshot,
): AdapterResult {
  let text = '';
  const toolCalls: ToolCall[] = [];
  let finishReason: FinishReason = 'stop';
  let usage: Usage | undefined;
  for (const event of events) {
    if (event.type === 'text-delta') text += event.text;
    else if (event.type === 'tool-call') toolCalls.push(event.toolCall);
    else if (event.type === 'usage') usage = event.usage;
    else if (event.type === 'finish') {
      finishReason = event.finishReason;
      usage = event.usage ?? usage;
    }
  }
  const inputTokens = estimate(call);
  const outputTokens = Math.max(1, Math.ceil(text.length / 4));
  return {
    text,
    toolCalls,
    finishReason,
    usage: usage ?? { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    rateLimit,
  };
}

function estimate(call: AdapterCall): number {
  let chars = 0;
  for (const message of call.messages) {
    chars +=
      typeof message.content === 'string' ? message.content.length : JSON.stringify(message.content).length;
  }
  return Math.max(1, Math.ceil(chars / 4));
}

function wait(clock: Clock, ms: number | undefined, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  if (!ms) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function hang(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(abortReason(signal));
    else signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
  });
}
