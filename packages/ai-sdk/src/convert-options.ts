import type { LanguageModelV3CallOptions, SharedV3Warning } from '@ai-sdk/provider';
import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '@spillway/core';
import { convertPrompt } from './convert-prompt.js';

/** Routing choices for one model handle: which models qualify and how the request is run. */
export type SpillwaySettings = Pick<
  ChatRequest,
  | 'minCapability'
  | 'require'
  | 'timeoutMs'
  | 'priority'
  | 'metadata'
  | 'timeToFirstTokenMs'
  | 'stallTimeoutMs'
  | 'fallbackOnContentFilter'
  | 'tenant'
>;

// Sampling settings the router does not carry to providers: each becomes a warning when given.
const UNSUPPORTED_SETTINGS = ['topP', 'topK', 'presencePenalty', 'frequencyPenalty', 'seed'] as const;

/**
 * AI SDK call options → a router request, plus the warnings for what could not be carried over
 * (unsupported settings and provider-defined tools are reported, never silently dropped).
 */
export function convertOptions(
  modelId: string,
  settings: SpillwaySettings,
  options: LanguageModelV3CallOptions,
): { request: ChatRequest; warnings: SharedV3Warning[] } {
  const warnings: SharedV3Warning[] = [];
  const request: ChatRequest = { messages: convertPrompt(options.prompt, warnings) };
  if (modelId !== 'auto') request.model = modelId;
  applySettings(request, { ...settings, ...callSettings(options) });
  if (options.maxOutputTokens !== undefined) request.maxTokens = options.maxOutputTokens;
  if (options.temperature !== undefined) request.temperature = options.temperature;
  if (options.stopSequences?.length) request.stop = options.stopSequences;
  if (options.abortSignal) request.signal = options.abortSignal;
  for (const setting of UNSUPPORTED_SETTINGS) {
    if (options[setting] !== undefined) warnings.push({ type: 'unsupported', feature: setting });
  }
  const extraHeaders = Object.keys(options.headers ?? {}).filter(
    (name) => name.toLowerCase() !== 'user-agent',
  );
  if (extraHeaders.length > 0) {
    warnings.push({
      type: 'unsupported',
      feature: 'headers',
      details: `the router makes its own calls to each provider; not sent: ${extraHeaders.join(', ')}`,
    });
  }
  const tools = convertTools(options.tools, warnings);
  if (tools.length > 0) {
    request.tools = tools;
    if (options.toolChoice) request.toolChoice = convertToolChoice(options.toolChoice);
  }
  const format = convertResponseFormat(options.responseFormat);
  if (format) request.responseFormat = format;
  return { request, warnings };
}

function applySettings(request: ChatRequest, settings: SpillwaySettings): void {
  if (settings.minCapability !== undefined) request.minCapability = settings.minCapability;
  if (settings.require) request.require = settings.require;
  if (settings.timeoutMs !== undefined) request.timeoutMs = settings.timeoutMs;
  if (settings.priority !== undefined) request.priority = settings.priority;
  if (settings.timeToFirstTokenMs !== undefined) request.timeToFirstTokenMs = settings.timeToFirstTokenMs;
  if (settings.stallTimeoutMs !== undefined) request.stallTimeoutMs = settings.stallTimeoutMs;
  if (settings.fallbackOnContentFilter !== undefined) {
    request.fallbackOnContentFilter = settings.fallbackOnContentFilter;
  }
  if (settings.metadata) request.metadata = { ...settings.metadata };
  if (settings.tenant !== undefined) request.tenant = settings.tenant;
}

/** `providerOptions.spillway` on a call overrides the handle's settings for that call. */
function callSettings(options: LanguageModelV3CallOptions): SpillwaySettings {
  const value = options.providerOptions?.spillway;
  return (value ?? {}) as SpillwaySettings;
}

function convertTools(
  tools: LanguageModelV3CallOptions['tools'],
  warnings: SharedV3Warning[],
): ToolDefinition[] {
  const converted: ToolDefinition[] = [];
  for (const tool of tools ?? []) {
    if (tool.type !== 'function') {
      warnings.push({
        type: 'unsupported',
        feature: `provider-defined tool ${tool.id}`,
        details: 'only function tools are routed; this tool was not sent',
      });
      continue;
    }
    const definition: ToolDefinition = {
      name: tool.name,
      parameters: tool.inputSchema as Record<string, unknown>,
    };
    if (tool.description !== undefined) definition.description = tool.description;
    if (tool.strict !== undefined) definition.strict = tool.strict;
    converted.push(definition);
  }
  return converted;
}

function convertToolChoice(choice: NonNullable<LanguageModelV3CallOptions['toolChoice']>): ToolChoice {
  return choice.type === 'tool' ? { name: choice.toolName } : choice.type;
}

function convertResponseFormat(
  format: LanguageModelV3CallOptions['responseFormat'],
): ResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (!format.schema) return { type: 'json' };
  const converted: ResponseFormat = { type: 'json-schema', schema: format.schema as Record<string, unknown> };
  if (format.name !== undefined) converted.name = format.name;
  return converted;
}
