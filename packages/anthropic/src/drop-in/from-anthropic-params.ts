import type {
  ToolChoice as AnthropicToolChoice,
  ContentBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  TextBlockParam,
  ToolUnion,
} from '@anthropic-ai/sdk/resources/messages';
import {
  type ChatRequest,
  type ContentPart,
  InvalidRequestError,
  type Message,
  type ModelAlias,
  type ToolCall,
  type ToolChoice,
  type ToolDefinition,
} from '@spillway/core';

export type ParamsOptions = {
  /** `model` names that stand for a routing choice, e.g. `{ fast: { minCapability: 4 } }`. */
  aliases?: Record<string, ModelAlias>;
};

/**
 * Anthropic `messages.create` params → a router request. `model: 'auto'` lets the router rank every
 * model; an alias applies its routing fields; any other name pins that model id.
 */
export function fromAnthropicParams(
  params: MessageCreateParamsBase,
  options: ParamsOptions = {},
): ChatRequest {
  const messages: Message[] = [];
  const system = systemText(params.system);
  if (system) messages.push({ role: 'system', content: system });
  params.messages.forEach((message, index) => {
    messages.push(...convertMessage(message, index));
  });
  const request: ChatRequest = { messages, ...routing(String(params.model), options) };
  if (params.max_tokens !== undefined) request.maxTokens = params.max_tokens;
  if (params.stop_sequences?.length) request.stop = params.stop_sequences;
  if (params.tools?.length) request.tools = params.tools.map(convertTool);
  if (params.tool_choice) request.toolChoice = convertToolChoice(params.tool_choice);
  const format = params.output_config?.format;
  if (format?.type === 'json_schema') request.responseFormat = { type: 'json-schema', schema: format.schema };
  // Code written for 0.x SDKs may still send temperature; the router decides whether it can be honoured.
  const temperature = (params as { temperature?: unknown }).temperature;
  if (typeof temperature === 'number') request.temperature = temperature;
  return request;
}

function routing(model: string, options: ParamsOptions): ModelAlias {
  const alias = options.aliases?.[model];
  if (alias) return { ...alias };
  return model === 'auto' ? {} : { model };
}

function systemText(system: MessageCreateParamsBase['system']): string | undefined {
  if (system === undefined) return undefined;
  if (typeof system === 'string') return system;
  return system.map((block) => block.text).join('\n');
}

function convertMessage(message: MessageParam, index: number): Message[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  if (message.role === 'system') {
    return [
      {
        role: 'system',
        content: (message.content as TextBlockParam[]).map((block) => block.text).join('\n'),
      },
    ];
  }
  if (message.role === 'assistant') return [assistantMessage(message.content, index)];
  // Tool results come first in a user turn; they become tool messages ahead of the user's own content.
  const results: Message[] = [];
  const parts: ContentPart[] = [];
  message.content.forEach((block, blockIndex) => {
    const field = `messages[${index}].content[${blockIndex}]`;
    if (block.type === 'tool_result') {
      const result: Message = {
        role: 'tool',
        toolCallId: block.tool_use_id,
        content: toolResultContent(block, field),
      };
      if (block.is_error) result.isError = true;
      results.push(result);
    } else {
      parts.push(contentPart(block, field));
    }
  });
  return parts.length > 0 ? [...results, { role: 'user', content: parts }] : results;
}

function assistantMessage(blocks: ContentBlockParam[], index: number): Message {
  let text = '';
  const toolCalls: ToolCall[] = [];
  blocks.forEach((block, blockIndex) => {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        name: block.name,
        arguments: block.input,
        rawArguments: JSON.stringify(block.input),
      });
    } else if (block.type !== 'thinking' && block.type !== 'redacted_thinking') {
      unsupported(`messages[${index}].content[${blockIndex}]`, block.type);
    }
  });
  return toolCalls.length > 0
    ? { role: 'assistant', content: text, toolCalls }
    : { role: 'assistant', content: text };
}

function contentPart(block: ContentBlockParam, field: string): ContentPart {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'image') {
    const source = block.source;
    if (source.type === 'base64') return { type: 'image', data: source.data, mediaType: source.media_type };
    if (source.type === 'url') return { type: 'image', url: source.url };
    return unsupported(`${field}.source`, `image source ${source.type}`);
  }
  return unsupported(field, block.type);
}

function toolResultContent(
  block: Extract<ContentBlockParam, { type: 'tool_result' }>,
  field: string,
): string | ContentPart[] {
  if (block.content === undefined) return '';
  if (typeof block.content === 'string') return block.content;
  return block.content.map((part, partIndex) =>
    contentPart(part as ContentBlockParam, `${field}.content[${partIndex}]`),
  );
}

function convertTool(tool: ToolUnion, index: number): ToolDefinition {
  if (!('input_schema' in tool)) return unsupported(`tools[${index}]`, `server tool ${tool.type}`);
  const converted: ToolDefinition = {
    name: tool.name,
    parameters: tool.input_schema as Record<string, unknown>,
  };
  if (tool.description !== undefined) converted.description = tool.description;
  if (tool.strict !== undefined) converted.strict = tool.strict;
  return converted;
}

function convertToolChoice(choice: AnthropicToolChoice): ToolChoice {
  if (choice.type === 'any') return 'required';
  if (choice.type === 'tool') return { name: choice.name };
  return choice.type;
}

function unsupported(field: string, what: string): never {
  throw new InvalidRequestError(`${field}: ${what} is not supported through the router`, { field });
}
