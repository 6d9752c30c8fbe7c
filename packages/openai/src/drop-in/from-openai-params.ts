import {
  type ChatRequest,
  type ContentPart,
  InvalidRequestError,
  type Message,
  type ModelAlias,
  type ResponseFormat,
  type ToolCall,
  type ToolChoice,
  type ToolDefinition,
} from '@spillway/core';
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';

export type ParamsOptions = {
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
};

/**
 * OpenAI `chat.completions.create` params → a router request. `model: 'auto'` lets the router rank
 * every model; an alias applies its routing fields; any other name pins that model id.
 */
export function fromOpenAIParams(
  params: ChatCompletionCreateParams,
  options: ParamsOptions = {},
): ChatRequest {
  if (params.n !== undefined && params.n !== null && params.n !== 1) {
    throw new InvalidRequestError('n: only one choice per request is supported through the router', {
      field: 'n',
    });
  }
  const request: ChatRequest = {
    messages: params.messages.map(convertMessage),
    ...routing(params.model, options),
  };
  const maxTokens = params.max_completion_tokens ?? params.max_tokens;
  if (typeof maxTokens === 'number') request.maxTokens = maxTokens;
  if (typeof params.temperature === 'number') request.temperature = params.temperature;
  if (typeof params.seed === 'number') request.seed = params.seed;
  if (params.stop) request.stop = params.stop;
  if (params.tools?.length) request.tools = params.tools.map(convertTool);
  if (params.tool_choice) request.toolChoice = convertToolChoice(params.tool_choice);
  const format = convertResponseFormat(params.response_format);
  if (format) request.responseFormat = format;
  return request;
}

function routing(model: string, options: ParamsOptions): ModelAlias {
  const alias = options.aliases?.[model];
  if (alias) return { ...alias };
  return model === 'auto' ? {} : { model };
}

function convertMessage(message: ChatCompletionMessageParam, index: number): Message {
  const field = `messages[${index}]`;
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(message.content) };
    case 'user':
      return {
        role: 'user',
        content:
          typeof message.content === 'string'
            ? message.content
            : message.content.map((part, partIndex) => contentPart(part, `${field}.content[${partIndex}]`)),
      };
    case 'assistant': {
      const converted: Message = {
        role: 'assistant',
        content: message.content ? textOf(message.content) : '',
      };
      const toolCalls = message.tool_calls?.map((call, callIndex): ToolCall => {
        if (call.type !== 'function')
          return unsupported(`${field}.tool_calls[${callIndex}]`, `${call.type} tool call`);
        return {
          id: call.id,
          name: call.function.name,
          arguments: parseArguments(call.function.arguments),
          rawArguments: call.function.arguments,
        };
      });
      if (toolCalls?.length) converted.toolCalls = toolCalls;
      return converted;
    }
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content: textOf(message.content) };
    default:
      return unsupported(`${field}.role`, `role '${message.role}'`);
  }
}

function contentPart(part: ChatCompletionContentPart, field: string): ContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image_url') return { type: 'image', url: part.image_url.url };
  return unsupported(field, `${part.type} content`);
}

function textOf(content: string | ReadonlyArray<{ type: string; text?: string }>): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function convertTool(tool: ChatCompletionTool, index: number): ToolDefinition {
  if (tool.type !== 'function') return unsupported(`tools[${index}]`, `${tool.type} tool`);
  const converted: ToolDefinition = {
    name: tool.function.name,
    parameters: (tool.function.parameters ?? { type: 'object', properties: {} }) as Record<string, unknown>,
  };
  if (tool.function.description !== undefined) converted.description = tool.function.description;
  if (typeof tool.function.strict === 'boolean') converted.strict = tool.function.strict;
  return converted;
}

function convertToolChoice(choice: ChatCompletionToolChoiceOption): ToolChoice {
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function') return { name: choice.function.name };
  return unsupported('tool_choice', `tool choice ${choice.type}`);
}

function convertResponseFormat(
  format: ChatCompletionCreateParams['response_format'],
): ResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json' };
  if (format.type === 'json_schema') {
    const converted: ResponseFormat = {
      type: 'json-schema',
      schema: (format.json_schema.schema ?? {}) as Record<string, unknown>,
      name: format.json_schema.name,
    };
    if (typeof format.json_schema.strict === 'boolean') converted.strict = format.json_schema.strict;
    return converted;
  }
  return unsupported('response_format', `response format ${(format as { type: string }).type}`);
}

function unsupported(field: string, what: string): never {
  throw new InvalidRequestError(`${field}: ${what} is not supported through the router`, { field });
}
