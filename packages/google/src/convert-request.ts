import type {
  FunctionCallingConfigMode,
  GenerateContentConfig,
  GenerateContentParameters,
} from '@google/genai';
import type { AdapterCall, ToolChoice } from '@spillway/core';
import { convertMessages } from './convert-messages.js';
import type { ThoughtSignatures } from './thought-signatures.js';

// The Gemini API takes at most five stop sequences.
const MAX_STOP_SEQUENCES = 5;

export type RequestContext = { provider: string; signatures: ThoughtSignatures };

/**
 * An adapter call → `generateContent` parameters. Automatic function calling and automatic
 * continuation stay off: one adapter call is one HTTP request, so the router counts and retries
 * everything that is sent.
 */
export function convertRequest(
  call: AdapterCall,
  abortSignal: AbortSignal | undefined,
  context: RequestContext,
): GenerateContentParameters {
  const { contents, systemInstruction } = convertMessages(call.messages, {
    provider: context.provider,
    model: call.model,
    signatures: context.signatures,
  });
  const config: GenerateContentConfig = {
    automaticFunctionCalling: { disable: true },
    automaticContinuation: false,
  };
  if (abortSignal) config.abortSignal = abortSignal;
  if (systemInstruction) config.systemInstruction = systemInstruction;
  if (call.maxTokens !== undefined) config.maxOutputTokens = call.maxTokens;
  if (call.temperature !== undefined) config.temperature = call.temperature;
  if (call.seed !== undefined) config.seed = call.seed;
  if (call.stop && call.stop.length > 0) {
    if (call.stop.length > MAX_STOP_SEQUENCES)
      call.onWarning?.(`Gemini takes at most ${MAX_STOP_SEQUENCES} stop sequences; the rest were dropped`);
    config.stopSequences = call.stop.slice(0, MAX_STOP_SEQUENCES);
  }
  if (call.tools && call.tools.length > 0) {
    config.tools = [
      {
        functionDeclarations: call.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description ? { description: tool.description } : {}),
          parametersJsonSchema: tool.parameters,
        })),
      },
    ];
  }
  if (call.toolChoice !== undefined)
    config.toolConfig = { functionCallingConfig: toolChoice(call.toolChoice) };
  const format = call.responseFormat;
  if (format?.type === 'json' || format?.type === 'json-schema') {
    config.responseMimeType = 'application/json';
    if (format.type === 'json-schema') config.responseJsonSchema = format.schema;
  }
  return { model: call.model, contents, config };
}

function toolChoice(choice: ToolChoice): {
  mode: FunctionCallingConfigMode;
  allowedFunctionNames?: string[];
} {
  if (choice === 'none') return { mode: 'NONE' as FunctionCallingConfigMode };
  if (choice === 'required') return { mode: 'ANY' as FunctionCallingConfigMode };
  if (choice === 'auto') return { mode: 'AUTO' as FunctionCallingConfigMode };
  return { mode: 'ANY' as FunctionCallingConfigMode, allowedFunctionNames: [choice.name] };
}
