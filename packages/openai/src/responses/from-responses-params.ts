import {
  type ChatRequest,
  type ContentPart,
  InvalidRequestError,
  type Message,
  type ModelAlias,
  type ResponseFormat,
  type ToolChoice,
  type ToolDefinition,
} from '@spillway/core';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';

export type ResponsesParamsOptions = {
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
};

type Item = Record<string, unknown>;

// Features that need state kept on the server or tools run by OpenAI: a clear 400 names each one.
const STATEFUL: Array<[keyof ResponseCreateParams, string]> = [
  ['previous_response_id', 'previous_response_id (stored responses)'],
  ['conversation', 'conversation (stored conversations)'],
  ['prompt', 'prompt (stored prompt templates)'],
  ['background', 'background responses'],
];

/**
 * Responses API `responses.create` params → a router request. Function tools, function calls and
 * their outputs, instructions, text and image input and `text.format` are carried over; anything that
 * needs OpenAI's servers (stored responses, built-in tools, file ids) is an InvalidRequestError that
 * names it. Sampling knobs the router does not carry (`top_p`, `reasoning`, `text.verbosity`) are
 * ignored, as by the Chat Completions drop-in.
 */
export function fromResponsesParams(
  params: ResponseCreateParams,
  options: ResponsesParamsOptions = {},
): ChatRequest {
  for (const [field, what] of STATEFUL) {
    const value = params[field];
    if (value !== undefined && value !== null && value !== false) unsupported(String(field), what);
  }
  if (params.store === true) {
    unsupported('store', 'store: true (the router keeps no responses; send store: false or omit it)');
  }
  const messages: Message[] = [];
  if (params.instructions) messages.push({ role: 'system', content: params.instructions });
  if (typeof params.input === 'string') messages.push({ role: 'user', content: params.input });
  else
    for (const [index, item] of (params.input ?? []).entries())
      addItem(messages, item as unknown as Item, `input[${index}]`);
  if (messages.length === 0) throw new InvalidRequestError('input: must not be empty', { field: 'input' });

  const request: ChatRequest = { messages, ...routing(String(params.model ?? 'auto'), options) };
  if (typeof params.max_output_tokens === 'number') request.maxTokens = params.max_output_tokens;
  if (typeof params.temperature === 'number') request.temperature = params.temperature;
  const tools = (params.tools ?? []).map((tool, index) => convertTool(tool as unknown as Item, index));
  if (tools.length > 0) {
    request.tools = tools;
    if (params.tool_choice) request.toolChoice = convertToolChoice(params.tool_choice as string | Item);
  }
  const format = convertFormat(params.text?.format as Item | undefined);
  if (format) request.responseFormat = format;
  return request;
}

function routing(model: string, options: ResponsesParamsOptions): ModelAlias {
  const alias = options.aliases?.[model];
  if (alias) return { ...alias };
  return model === 'auto' ? {} : { model };
}

function addItem(messages: Message[], item: Item, at: string): void {
  const type = item.type ?? 'message';
  switch (type) {
    case 'message':
      messages.push(convertMessage(item, at));
      return;
    case 'function_call': {
      const rawArguments = String(item.arguments ?? '');
      const call = {
        id: String(item.call_id),
        name: String(item.name),
        arguments: parse(rawArguments),
        rawArguments,
      };
      // Consecutive calls belong to one assistant turn, after any text it had.
      const last = messages.at(-1);
      if (last?.role === 'assistant') last.toolCalls = [...(last.toolCalls ?? []), call];
      else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
      return;
    }
    case 'function_call_output':
      messages.push({ role: 'tool', toolCallId: String(item.call_id), content: outputText(item.output, at) });
      return;
    case 'reasoning':
      // The model's own reasoning sent back: no router provider takes it as input.
      return;
    default:
      unsupported(
        type === 'item_reference' ? at : `${at}.type`,
        type === 'item_reference' ? 'item_reference (stored items)' : `input item '${String(type)}'`,
      );
  }
}

function convertMessage(item: Item, at: string): Message {
  const role = item.role;
  const content = item.content;
  if (role === 'assistant') {
    const text = typeof content === 'string' ? content : textOf(content as Item[], at);
    return { role: 'assistant', content: text };
  }
  if (role === 'system' || role === 'developer') {
    return { role: 'system', content: typeof content === 'string' ? content : textOf(content as Item[], at) };
  }
  if (role !== 'user') return unsupported(`${at}.role`, `role '${String(role)}'`);
  if (typeof content === 'string') return { role: 'user', content };
  const parts = (content as Item[]).map((part, index) => contentPart(part, `${at}.content[${index}]`));
  return { role: 'user', content: parts };
}

function contentPart(part: Item, at: string): ContentPart {
  if (part.type === 'input_text' || part.type === 'output_text')
    return { type: 'text', text: String(part.text) };
  if (part.type === 'input_image') {
    if (typeof part.image_url === 'string') return { type: 'image', url: part.image_url };
    return unsupported(at, 'an input_image by file_id (stored files)');
  }
  return unsupported(at, `${String(part.type)} content`);
}

function textOf(parts: Item[], at: string): string {
  return parts
    .map((part, index) => {
      if (part.type === 'input_text' || part.type === 'output_text') return String(part.text);
      if (part.type === 'refusal') return String(part.refusal);
      return unsupported(`${at}.content[${index}]`, `${String(part.type)} content in this role`);
    })
    .join('');
}

function outputText(output: unknown, at: string): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return textOf(output as Item[], `${at}.output`);
  return JSON.stringify(output);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function convertTool(tool: Item, index: number): ToolDefinition {
  if (tool.type !== 'function') {
    return unsupported(
      `tools[${index}]`,
      `built-in tool '${String(tool.type)}' (only function tools are routed)`,
    );
  }
  const converted: ToolDefinition = {
    name: String(tool.name),
    parameters: (tool.parameters ?? { type: 'object', properties: {} }) as Record<string, unknown>,
  };
  if (typeof tool.description === 'string') converted.description = tool.description;
  if (typeof tool.strict === 'boolean') converted.strict = tool.strict;
  return converted;
}

function convertToolChoice(choice: string | Item): ToolChoice {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (typeof choice === 'object' && choice.type === 'function') return { name: String(choice.name) };
  const what = typeof choice === 'string' ? choice : String(choice.type);
  return unsupported('tool_choice', `tool choice '${what}'`);
}

function convertFormat(format: Item | undefined): ResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json' };
  if (format.type === 'json_schema') {
    const converted: ResponseFormat = {
      type: 'json-schema',
      schema: (format.schema ?? {}) as Record<string, unknown>,
      name: String(format.name ?? 'response'),
    };
    if (typeof format.strict === 'boolean') converted.strict = format.strict;
    return converted;
  }
  return unsupported('text.format', `format '${String(format.type)}'`);
}

function unsupported(field: string, what: string): never {
  throw new InvalidRequestError(`${field}: ${what} is not supported through the router`, { field });
}
