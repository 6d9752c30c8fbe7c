import type { AdapterCall } from '../spec.js';
import type { ResponseFormat, ToolChoice, ToolDefinition } from '../types.js';
import { convertMessages } from './convert-messages.js';
import type { WireRequestBody, WireResponseFormat, WireTool, WireToolChoice } from './wire-types.js';

/** Where one flavour of the Chat Completions API differs from another. */
export type ChatCompletionsDialect = {
  /** OpenAI and Groq: `max_completion_tokens`; most compatible servers still read `max_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** How a stream reports usage: OpenAI asks with `stream_options`; Groq sends `x_groq.usage` unasked. */
  streamUsage: 'stream-options' | 'always';
  /** The most stop sequences the API accepts; extra ones are dropped with a warning. */
  maxStopSequences: number;
  /** False for models that reject any temperature but the default (OpenAI's reasoning models). */
  acceptsTemperature?: (model: string) => boolean;
};

export type BuildRequestOptions = {
  dialect: ChatCompletionsDialect;
  /** The model can see images (from its ModelSpec). */
  vision: boolean;
  stream: boolean;
  warn: (message: string) => void;
};

/** Router call → Chat Completions request body. */
export function buildRequestBody(call: AdapterCall, options: BuildRequestOptions): WireRequestBody {
  const { dialect, warn } = options;
  const body: WireRequestBody = {
    model: call.model,
    messages: convertMessages(call.messages, { vision: options.vision, warn }),
  };
  if (call.maxTokens !== undefined) body[dialect.maxTokensField] = call.maxTokens;
  if (call.temperature !== undefined) {
    if (dialect.acceptsTemperature?.(call.model) === false) {
      warn(`temperature was dropped: ${call.model} accepts only its default`);
    } else {
      body.temperature = call.temperature;
    }
  }
  if (call.seed !== undefined) body.seed = call.seed;
  if (call.stop?.length) {
    if (call.stop.length > dialect.maxStopSequences) {
      warn(`only the first ${dialect.maxStopSequences} stop sequences were sent (${call.stop.length} given)`);
    }
    body.stop = call.stop.slice(0, dialect.maxStopSequences);
  }
  if (call.tools?.length) {
    body.tools = call.tools.map(convertTool);
    if (call.toolChoice !== undefined) body.tool_choice = convertToolChoice(call.toolChoice);
  } else if (call.toolChoice !== undefined && call.toolChoice !== 'none' && call.toolChoice !== 'auto') {
    warn('toolChoice was dropped: the request defines no tools');
  }
  const format = convertResponseFormat(call.responseFormat);
  if (format) body.response_format = format;
  if (options.stream) {
    body.stream = true;
    if (dialect.streamUsage === 'stream-options') body.stream_options = { include_usage: true };
  }
  return body;
}

function convertTool(tool: ToolDefinition): WireTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parameters: tool.parameters,
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    },
  };
}

function convertToolChoice(choice: ToolChoice): WireToolChoice {
  if (typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.name } };
}

function convertResponseFormat(format: ResponseFormat | undefined): WireResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json') return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name ?? 'response',
      schema: format.schema,
      ...(format.strict !== undefined ? { strict: format.strict } : {}),
    },
  };
}
