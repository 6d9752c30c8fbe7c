import { ProviderError } from '../errors.js';
import type { ChatResult } from '../types.js';
import type { AttemptKind } from './attempt-loop.js';
import { hedgeLost, type RequestRun } from './request-run.js';
import type { Turn } from './turn.js';

const generate = (run: RequestRun, turn: Turn) => turn.candidate.adapter.doGenerate(run.adapterCall(turn));

async function attempt(run: RequestRun, turn: Turn): Promise<ChatResult> {
  const { candidate } = turn;
  const output = await turn.race(() => run.invoke(turn, generate, run, turn));
  if (output.finishReason === 'content-filter' && run.request.fallbackOnContentFilter)
    throw new ProviderError('the model refused (content filter)', {
      failure: 'content_filter',
      provider: candidate.provider,
      model: candidate.model,
    });
  if (!run.claim(turn)) {
    // A hedged race's other attempt answered first; this answer was billed all the same.
    run.lose(turn, output.usage);
    throw hedgeLost();
  }
  // `succeed` copies only the result's own fields out of the adapter's output.
  const result = run.succeed(turn, output, output.rateLimit);
  turn.dispose();
  return result;
}

/** chat(): one `doGenerate` per attempt; the answer is the result. */
export const chatAttempt: AttemptKind<undefined, ChatResult> = {
  abortable: false,
  attempt,
  refused: (result) => result,
};
