import type { AdapterCall, ModelSpec } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { convertRequest, DEFAULT_MAX_TOKENS, JSON_INSTRUCTION } from './convert-request.js';

const signal = new AbortController().signal;
const model: ModelSpec = {
  id: 'claude-test',
  capability: 5,
  inputUsdPerMTok: 1,
  outputUsdPerMTok: 5,
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
};

function call(overrides: Partial<AdapterCall> = {}): AdapterCall {
  return { model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }], signal, ...overrides };
}

describe('convertRequest', () => {
  it('builds a minimal body with a default max_tokens capped by the model', () => {
    expect(convertRequest(call(), model)).toEqual({
      model: 'claude-test',
      max_tokens: DEFAULT_MAX_TOKENS,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(convertRequest(call(), { ...model, maxOutputTokens: 1000 }).max_tokens).toBe(1000);
    expect(convertRequest(call({ maxTokens: 50_000 }), model).max_tokens).toBe(50_000);
  });

  it('maps tools, tool choice, stop sequences and the system prompt', () => {
    const body = convertRequest(
      call({
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Weather?' },
        ],
        stop: ['END'],
        tools: [
          {
            name: 'weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            strict: true,
          },
        ],
        toolChoice: { name: 'weather' },
      }),
      model,
    );
    expect(body).toMatchObject({
      system: 'You are terse.',
      stop_sequences: ['END'],
      tools: [
        {
          name: 'weather',
          description: 'Current weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
      ],
      tool_choice: { type: 'tool', name: 'weather' },
    });
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
  ] as const)('tool choice %s → %j', (choice, expected) => {
    const tools = [{ name: 'f', parameters: { type: 'object' } }];
    expect(convertRequest(call({ tools, toolChoice: choice }), model).tool_choice).toEqual(expected);
  });

  it('sends a JSON schema as output_config.format', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: false };
    const body = convertRequest(call({ responseFormat: { type: 'json-schema', schema } }), model);
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(body.system).toBeUndefined();
  });

  it('asks for plain JSON with an instruction after the system prompt, never a prefill', () => {
    const body = convertRequest(
      call({
        messages: [
          { role: 'system', content: 'You extract data.' },
          { role: 'user', content: 'Name and age of Ann, 31' },
        ],
        responseFormat: { type: 'json' },
      }),
      model,
    );
    expect(body.system).toBe(`You extract data.\n\n${JSON_INSTRUCTION}`);
    expect(body.messages.at(-1)?.role).toBe('user');
    expect(body.output_config).toBeUndefined();
  });

  it('drops temperature, and a tool choice without tools, with warnings', () => {
    const warnings: string[] = [];
    const body = convertRequest(
      call({
        temperature: 0.2,
        seed: 7,
        toolChoice: 'required',
        onWarning: (message) => warnings.push(message),
      }),
      model,
    );
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('tool_choice');
    expect(warnings).toEqual([
      'toolChoice was dropped: the request has no tools',
      expect.stringMatching(/^temperature was dropped/),
      expect.stringMatching(/^seed was dropped/),
    ]);
  });
});
