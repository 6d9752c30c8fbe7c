import { type RandomSource, seededRandom } from '@spillway/core';
import { valueFromSchema } from './json-from-schema.js';
import type { CacheUse, PromptParts } from './prompt-cache.js';
import { countTokens, generateWords, hashString } from './text-generator.js';

export type SimTool = { name: string; schema: unknown };
export type SimToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** A chat request with each protocol's spelling removed. */
export type ChatRequest = {
  model: string;
  /** Every message's text joined: seeds the reply and is what gets tokenized. */
  promptText: string;
  promptTokens: number;
  /** What the prompt cache keys on; its token counts add up to promptTokens. */
  prompt: PromptParts;
  /** Protocols that cache only on request (Anthropic): how many of prompt.texts the request marks. */
  cacheUpTo?: number;
  /** The lifetime the mark that ends the cached part asks for (Anthropic's `ttl`, default 5m). */
  cacheTtl?: '5m' | '1h';
  maxTokens?: number;
  stop: string[];
  tools: SimTool[];
  toolChoice: SimToolChoice;
  /** Set for JSON mode; `schema` for structured output. */
  json?: { schema?: unknown };
  stream: boolean;
  includeUsage: boolean;
  lastUserText: string;
  lastIsToolResult: boolean;
};

export type ToolCallPlan = { id: string; name: string; arguments: string; input: unknown };

export type ReplyPlan = {
  /** Text deltas in order; joined they are `text`. */
  pieces: string[];
  text: string;
  toolCalls: ToolCallPlan[];
  finish: 'stop' | 'length' | 'tool_calls';
  /** The stop sequence that ended the text, if one did. */
  stopSequence?: string;
  outputTokens: number;
  /** Prompt tokens read from and written to the prompt cache (set by the server after planning). */
  cache?: CacheUse;
};

/** Rough chat-format overhead per message and for priming the reply, as OpenAI documents. */
export function countPromptTokens(texts: string[], extra: string): number {
  let total = 3 + (extra ? countTokens(extra) : 0);
  for (const text of texts) total += 3 + (text ? countTokens(text) : 0);
  return total;
}

export type ReplyOptions = { seed: number; replyTokens: number | [number, number]; callId: () => string };

/** Decides deterministically (seed + request) what the simulated model answers. */
export function planReply(request: ChatRequest, options: ReplyOptions): ReplyPlan {
  const random = seededRandom(hashString(request.promptText, options.seed ^ hashString(request.model, 7)));
  const tool = chooseTool(request);
  if (tool) {
    const input = valueFromSchema(tool.schema, random);
    const args = JSON.stringify(input);
    const call = { id: options.callId(), name: tool.name, arguments: args, input };
    return {
      pieces: [],
      text: '',
      toolCalls: [call],
      finish: 'tool_calls',
      outputTokens: 8 + countTokens(args),
    };
  }
  if (request.json) return planJson(request, random);
  return planText(request, random, options.replyTokens);
}

function chooseTool(request: ChatRequest): SimTool | undefined {
  const { tools, toolChoice } = request;
  if (tools.length === 0 || toolChoice === 'none' || request.lastIsToolResult) return undefined;
  if (typeof toolChoice === 'object') return tools.find((tool) => tool.name === toolChoice.name) ?? tools[0];
  const asked = request.lastUserText.toLowerCase();
  const named = tools.find((tool) => asked.includes(`call ${tool.name.toLowerCase()}`));
  if (named) return named;
  if (toolChoice === 'required' || asked.includes('use the tool')) return tools[0];
  return undefined;
}

function planJson(request: ChatRequest, random: RandomSource): ReplyPlan {
  const value = request.json?.schema
    ? valueFromSchema(request.json.schema, random)
    : { answer: generateWords(random, 8).join('').trim() };
  let text = JSON.stringify(value);
  let outputTokens = countTokens(text);
  let finish: ReplyPlan['finish'] = 'stop';
  if (request.maxTokens !== undefined && outputTokens > request.maxTokens) {
    text = text.slice(0, request.maxTokens * 3);
    outputTokens = request.maxTokens;
    finish = 'length';
  }
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += 12) pieces.push(text.slice(index, index + 12));
  return { pieces, text, toolCalls: [], finish, outputTokens };
}

function planText(
  request: ChatRequest,
  random: RandomSource,
  replyTokens: ReplyOptions['replyTokens'],
): ReplyPlan {
  const [min, max] = typeof replyTokens === 'number' ? [replyTokens, replyTokens] : replyTokens;
  const wanted = min + Math.floor(random() * (max - min + 1));
  const cap = request.maxTokens ?? Number.POSITIVE_INFINITY;
  let pieces = generateWords(random, Math.max(1, Math.min(wanted, cap)));
  let finish: ReplyPlan['finish'] = wanted > cap ? 'length' : 'stop';
  let text = pieces.join('');
  let stopSequence: string | undefined;
  for (const stop of request.stop) {
    const at = stop ? text.indexOf(stop) : -1;
    if (at >= 0 && (stopSequence === undefined || at < text.indexOf(stopSequence))) stopSequence = stop;
  }
  if (stopSequence !== undefined) {
    text = text.slice(0, text.indexOf(stopSequence));
    pieces = cutPieces(pieces, text.length);
    finish = 'stop';
  }
  return { pieces, text, toolCalls: [], finish, stopSequence, outputTokens: pieces.length };
}

function cutPieces(pieces: string[], length: number): string[] {
  const result: string[] = [];
  let used = 0;
  for (const piece of pieces) {
    if (used >= length) break;
    result.push(piece.slice(0, length - used));
    used += piece.length;
  }
  return result;
}
