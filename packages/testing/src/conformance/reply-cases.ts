import type { AdapterResult, Message, ToolDefinition } from '@spillway/core';
import { describe, expect } from 'vitest';
import { caseTest, drain, makeCall } from './conformance-helpers.js';
import type { ConformanceContext } from './run-adapter-conformance.js';

const weatherTool: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};

function expectReply(result: AdapterResult): void {
  expect(result.text.length).toBeGreaterThan(0);
  expect(result.finishReason).toMatch(/^(stop|length)$/);
  expect(result.usage.inputTokens).toBeGreaterThan(0);
  expect(result.usage.outputTokens).toBeGreaterThan(0);
  expect(result.usage.totalTokens).toBeGreaterThanOrEqual(
    result.usage.inputTokens + result.usage.outputTokens,
  );
  expect(result.raw).toBeDefined();
}

/** The last request body the simulator received, as JSON text (it never records headers). */
function lastRequestText(context: ConformanceContext): string {
  return JSON.stringify(context.sim().stats().lastRequest?.body ?? null);
}

export function registerReplyCases(context: ConformanceContext): void {
  const { options } = context;
  const conformanceCase = (name: string, title: string, body: () => Promise<void>) =>
    caseTest(options.skip, name, title, body);
  const call = (overrides: Parameters<typeof makeCall>[1] = {}) => makeCall(options.model, overrides);

  describe('replies', () => {
    conformanceCase(
      'plain',
      'answers a plain prompt with text, usage, finish reason and request id',
      async () => {
        const result = await context.adapter().doGenerate(call());
        expectReply(result);
        expect(result.toolCalls).toEqual([]);
        expect(result.requestId).toEqual(expect.any(String));
      },
    );

    conformanceCase('system', 'accepts a system prompt', async () => {
      const messages: Message[] = [
        { role: 'system', content: 'You answer in one word.' },
        { role: 'user', content: 'Name a colour.' },
      ];
      expectReply(await context.adapter().doGenerate(call({ messages })));
      expect(lastRequestText(context)).toContain('You answer in one word.');
    });

    conformanceCase('multi-turn', 'accepts a multi-turn conversation', async () => {
      const messages: Message[] = [
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Hello Ada.' },
        { role: 'user', content: 'What is my name?' },
      ];
      expectReply(await context.adapter().doGenerate(call({ messages })));
      const sent = lastRequestText(context);
      for (const message of messages) expect(sent).toContain(message.content);
    });

    conformanceCase(
      'tools',
      'makes a tool call with parsed arguments and takes the tool result back',
      async () => {
        const adapter = context.adapter();
        const question: Message = { role: 'user', content: 'Weather in Paris?' };
        const first = await adapter.doGenerate(
          call({ messages: [question], tools: [weatherTool], toolChoice: { name: 'get_weather' } }),
        );
        expect(first.finishReason).toBe('tool-calls');
        expect(first.toolCalls).toHaveLength(1);
        const [toolCall] = first.toolCalls;
        expect(toolCall).toMatchObject({ id: expect.any(String), name: 'get_weather' });
        expect(typeof toolCall?.arguments).toBe('object');
        expect(toolCall?.arguments).toHaveProperty('city');
        expect(JSON.parse(toolCall?.rawArguments ?? 'null')).toEqual(toolCall?.arguments);

        const second = await adapter.doGenerate(
          call({
            tools: [weatherTool],
            messages: [
              question,
              { role: 'assistant', content: '', toolCalls: first.toolCalls },
              { role: 'tool', toolCallId: toolCall?.id, content: '{"temperature":21}' },
            ],
          }),
        );
        expectReply(second);
        const sent = lastRequestText(context);
        expect(sent).toContain(toolCall?.id);
        expect(sent).toContain('temperature');
      },
    );

    conformanceCase('json', 'returns JSON matching a schema when asked', async () => {
      const schema = {
        type: 'object',
        properties: { answer: { type: 'string' }, confidence: { type: 'number' } },
        required: ['answer', 'confidence'],
        additionalProperties: false,
      };
      const result = await context
        .adapter()
        .doGenerate(call({ responseFormat: { type: 'json-schema', name: 'verdict', schema, strict: true } }));
      const parsed = JSON.parse(result.text);
      expect(typeof parsed.answer).toBe('string');
      expect(typeof parsed.confidence).toBe('number');
    });
  });

  describe('streams', () => {
    conformanceCase('stream', 'streams text deltas, then usage, then one finish event last', async () => {
      const stream = await context.adapter().doStream(call());
      const { events, text, error } = await drain(stream);
      expect(error).toBeUndefined();
      expect(text.length).toBeGreaterThan(0);
      const last = events.at(-1);
      expect(last?.type).toBe('finish');
      expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
      const usage = last?.type === 'finish' ? last.usage : undefined;
      expect(usage?.outputTokens).toBeGreaterThan(0);
      expect(stream.requestId).toEqual(expect.any(String));
    });

    conformanceCase(
      'stream-tools',
      'streams a tool call as deltas and one whole tool-call event',
      async () => {
        const stream = await context
          .adapter()
          .doStream(call({ tools: [weatherTool], toolChoice: { name: 'get_weather' } }));
        const { events, error } = await drain(stream);
        expect(error).toBeUndefined();
        const calls = events.flatMap((event) => (event.type === 'tool-call' ? [event.toolCall] : []));
        expect(calls).toHaveLength(1);
        expect(calls[0]).toMatchObject({ name: 'get_weather', arguments: { city: expect.any(String) } });
        expect(events.some((event) => event.type === 'tool-call-delta')).toBe(true);
        expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
      },
    );
  });
}
