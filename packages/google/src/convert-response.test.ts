import type { GenerateContentResponse } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { convertMessages } from './convert-messages.js';
import { convertResponse } from './convert-response.js';
import { mapFinishReason } from './map-finish-reason.js';
import { ThoughtSignatures } from './thought-signatures.js';

const response = (value: unknown) => value as GenerateContentResponse;

describe('convertResponse', () => {
  it('leaves thought summaries out of the text and counts thinking and cached tokens', () => {
    const result = convertResponse(
      response({
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ text: 'Let me think.', thought: true }, { text: 'Hello' }, { text: '!' }],
            },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: {
          promptTokenCount: 100,
          cachedContentTokenCount: 60,
          candidatesTokenCount: 5,
          thoughtsTokenCount: 40,
          totalTokenCount: 145,
        },
        responseId: 'resp-1',
      }),
      new ThoughtSignatures(),
    );
    expect(result).toMatchObject({
      text: 'Hello!',
      finishReason: 'stop',
      requestId: 'resp-1',
      usage: {
        inputTokens: 100,
        outputTokens: 45,
        totalTokens: 145,
        cachedInputTokens: 60,
        reasoningTokens: 40,
      },
    });
  });

  it('makes up ids for function calls without one and replays their thought signature', () => {
    const signatures = new ThoughtSignatures();
    const result = convertResponse(
      response({
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ functionCall: { name: 'look', args: { zoom: 2 } }, thoughtSignature: 'sig-1' }],
            },
            finishReason: 'STOP',
          },
        ],
      }),
      signatures,
    );
    expect(result.finishReason).toBe('tool-calls');
    const [call] = result.toolCalls;
    expect(call).toMatchObject({
      id: expect.stringMatching(/^call_/),
      name: 'look',
      arguments: { zoom: 2 },
      rawArguments: '{"zoom":2}',
    });
    const replayed = convertMessages([{ role: 'assistant', content: '', toolCalls: result.toolCalls }], {
      provider: 'google',
      model: 'gemini-2.5-flash',
      signatures,
    });
    expect(replayed.contents[0]?.parts?.[0]?.thoughtSignature).toBe('sig-1');
    // A call Gemini 3 never made (another provider's) gets the documented skip marker instead.
    const foreign = convertMessages(
      [{ role: 'assistant', content: '', toolCalls: [{ id: 'toolu_1', name: 'look', arguments: {} }] }],
      { provider: 'google', model: 'gemini-3-flash-preview', signatures },
    );
    expect(foreign.contents[0]?.parts?.[0]?.thoughtSignature).toBe('skip_thought_signature_validator');
  });

  it('a prompt blocked before any candidate is a content filter', () => {
    const result = convertResponse(
      response({ promptFeedback: { blockReason: 'SAFETY' } }),
      new ThoughtSignatures(),
    );
    expect(result).toMatchObject({ text: '', finishReason: 'content-filter' });
  });
});

describe('mapFinishReason', () => {
  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content-filter'],
    ['RECITATION', 'content-filter'],
    ['PROHIBITED_CONTENT', 'content-filter'],
    ['BLOCKLIST', 'content-filter'],
    ['SPII', 'content-filter'],
    ['MALFORMED_FUNCTION_CALL', 'other'],
    ['OTHER', 'other'],
    ['SOMETHING_NEW', 'other'],
  ])('%s → %s', (reason, expected) => {
    expect(mapFinishReason(reason, false)).toBe(expected);
  });
});
