import { type ChatRequest, type RandomSource, seededRandom, type ToolDefinition } from '@spillway/core';

/** One request of the demo workload, and whether to stream it. */
export type WorkItem = { kind: WorkKind; request: ChatRequest; stream: boolean };
export type WorkKind = 'classify' | 'summarize' | 'tool-step' | 'reason';

const WORDS =
  'agent router budget token limit provider request model answer stream fallback cooldown breaker queue latency cost window minute retry header capacity'.split(
    ' ',
  );

export const DEMO_TOOLS: ToolDefinition[] = [
  {
    name: 'search_docs',
    description: 'Search the documentation',
    parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  },
  {
    name: 'run_query',
    description: 'Run a read-only SQL query',
    parameters: { type: 'object', properties: { sql: { type: 'string' } }, required: ['sql'] },
  },
];

function words(random: RandomSource, count: number): string {
  const out: string[] = [];
  for (let index = 0; index < count; index++) out.push(WORDS[Math.floor(random() * WORDS.length)] ?? 'token');
  return out.join(' ');
}

/**
 * An agent-like mix, the same for the same seed: many small classification calls (about a third of
 * them a ticket classified before), summaries of
 * longer text, tool-calling steps of an agent loop (some carrying the previous tool result), and a
 * few hard reasoning calls that need a strong model. A share is streamed when `streaming` is on.
 */
export function demoWorkload(count: number, seed: number, streaming: boolean): WorkItem[] {
  const random = seededRandom(seed);
  const items: WorkItem[] = [];
  const classified: ChatRequest[] = [];
  for (let index = 0; index < count; index++) {
    const roll = random();
    const stream = streaming && random() < 0.15;
    if (roll < 0.45 && classified.length > 0 && random() < 0.3) {
      // The same ticket classified again (another agent, a retried job): the response cache's case.
      const earlier = classified[Math.floor(random() * classified.length)] as ChatRequest;
      items.push({ kind: 'classify', stream, request: earlier });
    } else if (roll < 0.45) {
      items.push({
        kind: 'classify',
        stream,
        request: {
          messages: [
            {
              role: 'system',
              content: 'Label the ticket as bug, question or feature. Answer with one word.',
            },
            { role: 'user', content: words(random, 20 + Math.floor(random() * 60)) },
          ],
          // Room for the whole answer: a reply cut at maxTokens ('length') is not cached.
          maxTokens: 64,
        },
      });
      classified.push((items.at(-1) as WorkItem).request);
    } else if (roll < 0.7) {
      items.push({
        kind: 'summarize',
        stream,
        request: {
          messages: [
            { role: 'user', content: `Summarize:\n${words(random, 300 + Math.floor(random() * 900))}` },
          ],
          maxTokens: 200,
          minCapability: 5,
        },
      });
    } else if (roll < 0.9) {
      const withResult = random() < 0.5;
      items.push({
        kind: 'tool-step',
        stream,
        request: {
          messages: [
            { role: 'system', content: 'You are a support agent. Use the tools when you need facts.' },
            { role: 'user', content: `Why did ${words(random, 6)} fail?` },
            ...(withResult
              ? ([
                  {
                    role: 'assistant',
                    content: '',
                    toolCalls: [{ id: `call_${index}`, name: 'search_docs', arguments: { query: 'limits' } }],
                  },
                  { role: 'tool', toolCallId: `call_${index}`, content: words(random, 120) },
                ] as ChatRequest['messages'])
              : []),
          ],
          tools: DEMO_TOOLS,
          require: { tools: true },
          maxTokens: 300,
          minCapability: 6,
        },
      });
    } else {
      items.push({
        kind: 'reason',
        stream,
        request: {
          messages: [{ role: 'user', content: `Plan a migration: ${words(random, 200)}` }],
          maxTokens: 600,
          minCapability: 8,
        },
      });
    }
  }
  return items;
}
