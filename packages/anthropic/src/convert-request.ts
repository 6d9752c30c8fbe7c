import type {
  ToolChoice as AnthropicToolChoice,
  MessageCreateParamsNonStreaming,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import type { AdapterCall, ModelSpec, ToolChoice, ToolDefinition } from '@spillway/core';
import { convertMessages } from './convert-messages.js';

/**
 * `max_tokens` is required by the API. Without one from the caller we ask for this much, or the
 * model's own ceiling when that is lower: a model's full ceiling (often 64k–128k) would make every
 * call reserve a huge output budget and, without streaming, hold a connection for many minutes.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/**
 * Appended to the system prompt for `responseFormat: { type: 'json' }`. Anthropic has no schema-less
 * JSON mode, and prefilling `{` would change what the caller receives; an instruction leaves the reply
 * exactly as the model wrote it. Callers who need a guarantee use `json-schema` (`output_config.format`).
 */
export const JSON_INSTRUCTION =
  'Respond with a single valid JSON value and nothing else: no prose, no explanation, no Markdown code fences.';

export type MessageParams = Omit<MessageCreateParamsNonStreaming, 'stream'>;

export function convertRequest(call: AdapterCall, model: ModelSpec | undefined): MessageParams {
  const warn = call.onWarning ?? (() => {});
  const { system, messages } = convertMessages(call.messages, warn);
  const params: MessageParams = {
    model: call.model,
    max_tokens: call.maxTokens ?? Math.min(DEFAULT_MAX_TOKENS, model?.maxOutputTokens ?? DEFAULT_MAX_TOKENS),
    messages,
  };
  const systemParts = system === undefined ? [] : [system];
  if (call.responseFormat?.type === 'json') systemParts.push(JSON_INSTRUCTION);
  if (call.responseFormat?.type === 'json-schema') {
    params.output_config = { format: { type: 'json_schema', schema: call.responseFormat.schema } };
  }
  if (systemParts.length > 0) params.system = systemParts.join('\n\n');
  if (call.stop && call.stop.length > 0) params.stop_sequences = call.stop;
  if (call.tools && call.tools.length > 0) {
    params.tools = call.tools.map(convertTool);
    if (call.toolChoice !== undefined) params.tool_choice = convertToolChoice(call.toolChoice);
  } else if (call.toolChoice !== undefined && call.toolChoice !== 'none' && call.toolChoice !== 'auto') {
    warn('toolChoice was dropped: the request has no tools');
  }
  // API version 2026-10-21 (SDK 1.x) has no sampling parameters; current models reject them.
  if (call.temperature !== undefined) {
    warn(`temperature was dropped: Anthropic's API (SDK 1.x) does not accept it (model ${call.model})`);
  }
  if (call.seed !== undefined) warn(`seed was dropped: Anthropic's API has no seed (model ${call.model})`);
  return params;
}

function convertTool(tool: ToolDefinition): Tool {
  const converted: Tool = {
    name: tool.name,
    input_schema: { type: 'object', ...tool.parameters } as Tool.InputSchema,
  };
  if (tool.description !== undefined) converted.description = tool.description;
  if (tool.strict !== undefined) converted.strict = tool.strict;
  return converted;
}

function convertToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.name };
}
