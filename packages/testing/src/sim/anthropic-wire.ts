import { textChunks } from './openai-wire.js';
import type { RateLimiter } from './rate-limiter.js';
import { type ChatRequest, countPromptTokens, type ReplyPlan, type SimToolChoice } from './reply-plan.js';
import { bearerToken, bodyModel, contentText, type SimError, type StreamFrames, type Wire } from './wire.js';

type Block = { type?: string; text?: string; input?: unknown; content?: unknown; cache_control?: unknown };
type Message = { role?: unknown; content?: unknown };
type Body = {
  model?: unknown;
  max_tokens?: unknown;
  messages?: unknown;
  system?: unknown;
  stop_sequences?: unknown;
  tools?: Array<{ name?: string; input_schema?: unknown }>;
  tool_choice?: { type?: string; name?: string };
  output_config?: { format?: { type?: string; schema?: unknown } };
  output_format?: { type?: string; schema?: unknown };
  stream?: unknown;
  cache_control?: unknown;
};

const STOP_REASONS = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const;
const event = (name: string, value: unknown) => `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;

/** Anthropic Messages: named SSE events, RFC 3339 resets, input and output token limits. */
export function anthropicWire(): Wire {
  return {
    name: 'anthropic',
    defaultApiKey: 'sk-ant-sim-key',
    requestIdHeader: 'request-id',
    ids: { message: 'msg_sim', toolCall: 'toolu_sim' },
    metering: { tokens: 'split', requestsPerDay: false },
    contextIncludesMaxTokens: true,
    promptCache: 'explicit',
    requestsHeaderWindow: 'minute',
    baseURL: (origin) => origin,
    model: bodyModel,
    route: (path) =>
      path === '/v1/messages' ? 'chat' : path === '/v1/messages/count_tokens' ? 'countTokens' : undefined,
    apiKey: (headers) => {
      const key = headers['x-api-key'];
      return typeof key === 'string' ? key : bearerToken(headers);
    },
    parseChat: (raw) => parse(raw as Body, true),
    countTokens(raw) {
      const parsed = parse(raw as Body, false);
      return 'kind' in parsed ? parsed : JSON.stringify({ input_tokens: parsed.promptTokens });
    },

    completion(request, plan, ids) {
      return JSON.stringify({
        id: ids.id,
        type: 'message',
        role: 'assistant',
        model: request.model,
        content:
          plan.toolCalls.length > 0
            ? plan.toolCalls.map((call) => ({
                type: 'tool_use',
                id: call.id,
                name: call.name,
                input: call.input,
              }))
            : [{ type: 'text', text: plan.text }],
        stop_reason: stopReason(plan),
        stop_sequence: plan.stopSequence ?? null,
        usage: usage(request, plan),
      });
    },

    stream(request, plan, ids): StreamFrames {
      const call = plan.toolCalls[0];
      const head = [
        event('message_start', {
          type: 'message_start',
          message: {
            id: ids.id,
            type: 'message',
            role: 'assistant',
            model: request.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { ...usage(request, plan), output_tokens: 1 },
          },
        }),
        event('content_block_start', {
          type: 'content_block_start',
          index: 0,
          content_block: call
            ? { type: 'tool_use', id: call.id, name: call.name, input: {} }
            : { type: 'text', text: '' },
        }),
        event('ping', { type: 'ping' }),
      ];
      const content = call
        ? splitInTwo(call.arguments).map((part) =>
            event('content_block_delta', {
              type: 'content_block_delta',
              index: 0,
              delta: { type: 'input_json_delta', partial_json: part },
            }),
          )
        : textChunks(
            event('content_block_delta', {
              type: 'content_block_delta',
              index: 0,
              delta: { type: 'text_delta', text: '\u0000' },
            }),
            plan.pieces,
          );
      const tail = [
        event('content_block_stop', { type: 'content_block_stop', index: 0 }),
        event('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: stopReason(plan), stop_sequence: plan.stopSequence ?? null },
          usage: { output_tokens: plan.outputTokens },
        }),
        event('message_stop', { type: 'message_stop' }),
      ];
      return { head, content, tail };
    },

    inbandError: () =>
      event('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),

    error(error: SimError, requestId: string) {
      const [status, type, message, details] = describe(error);
      const inner: Record<string, unknown> = { type, message };
      if (details) inner.details = details;
      return { status, body: JSON.stringify({ type: 'error', error: inner, request_id: requestId }) };
    },

    limitHeaders(limiter: RateLimiter, model: string, headers: Record<string, string>) {
      const now = limiter.now();
      const at = (ms: number) =>
        new Date(Math.ceil((now + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      const requests = limiter.state(model, 'requests');
      const input = limiter.state(model, 'input');
      const output = limiter.state(model, 'output');
      const set = (name: string, limit: number, remaining: number, resetMs: number) => {
        headers[`anthropic-ratelimit-${name}-limit`] = String(limit);
        headers[`anthropic-ratelimit-${name}-remaining`] = String(remaining);
        headers[`anthropic-ratelimit-${name}-reset`] = at(resetMs);
      };
      set('requests', requests.limit, requests.remaining, requests.resetMs);
      // Token figures are rounded to the nearest thousand, as Anthropic documents.
      const round = (value: number, limit: number) => Math.min(limit, Math.round(value / 1000) * 1000);
      set('input-tokens', input.limit, round(input.remaining, input.limit), input.resetMs);
      set('output-tokens', output.limit, round(output.remaining, output.limit), output.resetMs);
      const tokensLimit = input.limit + output.limit;
      set(
        'tokens',
        tokensLimit,
        round(input.remaining + output.remaining, tokensLimit),
        Math.max(input.resetMs, output.resetMs),
      );
    },

    retryHeaders(retryAfterMs: number, headers: Record<string, string>) {
      headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
    },
  };
}

function describe(error: SimError): [number, string, string, Record<string, unknown>?] {
  switch (error.kind) {
    case 'auth':
      return [401, 'authentication_error', 'invalid x-api-key'];
    case 'invalid':
      return [400, 'invalid_request_error', error.message];
    case 'routeNotFound':
      return [404, 'not_found_error', 'Not Found'];
    case 'modelNotFound':
      return [404, 'not_found_error', `model: ${error.model}`];
    case 'contextLength':
      return [
        400,
        'invalid_request_error',
        `prompt is too long: ${error.promptTokens} tokens > ${error.contextWindow} maximum`,
      ];
    case 'rateLimit': {
      const { denial } = error;
      const what =
        denial.bucket === 'input'
          ? `${denial.limit} input tokens per minute`
          : denial.bucket === 'output'
            ? `${denial.limit} output tokens per minute`
            : `${denial.limit} requests per minute`;
      return [
        429,
        'rate_limit_error',
        `This request would exceed the rate limit for your organization (org_simulated) of ${what}. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`,
      ];
    }
    case 'quota':
      return [
        429,
        'rate_limit_error',
        'You have reached your specified API usage limits. You will regain access on the first of next month.',
        { error_code: 'enforced_spend_limit_reached' },
      ];
    case 'serverError':
      return [error.status, 'api_error', 'Internal server error'];
    case 'overloaded':
      return [529, 'overloaded_error', 'Overloaded'];
  }
}

function stopReason(plan: ReplyPlan): string {
  return plan.stopSequence !== undefined ? 'stop_sequence' : STOP_REASONS[plan.finish];
}

/** Anthropic's input_tokens leaves out the tokens read from and written to the cache. */
function usage(request: ChatRequest, plan: ReplyPlan) {
  const read = plan.cache?.read ?? 0;
  const written = plan.cache?.written ?? 0;
  const hour = request.cacheTtl === '1h';
  return {
    input_tokens: request.promptTokens - read - written,
    output_tokens: plan.outputTokens,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
    cache_creation: {
      ephemeral_5m_input_tokens: hour ? 0 : written,
      ephemeral_1h_input_tokens: hour ? written : 0,
    },
    service_tier: 'standard',
  };
}

function splitInTwo(text: string): string[] {
  const middle = Math.floor(text.length / 2);
  return middle > 0 ? [text.slice(0, middle), text.slice(middle)] : [text];
}

function parse(body: Body, requireMaxTokens: boolean): ChatRequest | SimError {
  if (!body || typeof body !== 'object')
    return { kind: 'invalid', message: 'Request body must be a JSON object' };
  if (typeof body.model !== 'string' || body.model === '')
    return { kind: 'invalid', message: 'model: Field required' };
  if (requireMaxTokens && body.max_tokens === undefined)
    return { kind: 'invalid', message: 'max_tokens: Field required' };
  if (body.max_tokens !== undefined && (typeof body.max_tokens !== 'number' || body.max_tokens < 1))
    return { kind: 'invalid', message: 'max_tokens: Input should be greater than or equal to 1' };
  if (!Array.isArray(body.messages)) return { kind: 'invalid', message: 'messages: Field required' };
  const messages = body.messages as Message[];
  const texts: string[] = [];
  const system = contentText(body.system);
  if (system) texts.push(system);
  // A cache_control mark caches the prompt up to the message that carries it; the top-level one, all.
  let cacheUpTo = system && marked(body.system) ? 1 : 0;
  let cacheTtl = cacheUpTo > 0 ? markTtl(body.system) : undefined;
  let lastUserText = '';
  let lastIsToolResult = false;
  for (const [index, message] of messages.entries()) {
    if (!message || (message.role !== 'user' && message.role !== 'assistant'))
      return { kind: 'invalid', message: `messages.${index}.role: Input should be 'user' or 'assistant'` };
    const blocks = Array.isArray(message.content) ? (message.content as Block[]) : [];
    let text = contentText(message.content);
    for (const block of blocks) if (block?.type === 'tool_use') text += JSON.stringify(block.input ?? {});
    texts.push(text);
    if (marked(blocks)) {
      cacheUpTo = texts.length;
      cacheTtl = markTtl(blocks);
    }
    lastIsToolResult = blocks.some((block) => block?.type === 'tool_result');
    if (message.role === 'user' && !lastIsToolResult) lastUserText = text;
  }
  const tools = (Array.isArray(body.tools) ? body.tools : []).map((tool) => ({
    name: String(tool?.name ?? ''),
    schema: tool?.input_schema,
  }));
  const format = body.output_config?.format ?? body.output_format;
  const toolText = tools.length > 0 ? JSON.stringify(body.tools) : '';
  if (isRecord(body.cache_control)) {
    cacheUpTo = texts.length;
    cacheTtl = ttlOf(body.cache_control);
  }
  return {
    model: body.model,
    promptText: texts.join('\n'),
    promptTokens: countPromptTokens(texts, toolText),
    prompt: { tools: toolText, texts },
    cacheUpTo,
    cacheTtl,
    maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : undefined,
    stop: Array.isArray(body.stop_sequences) ? body.stop_sequences.map(String) : [],
    tools,
    toolChoice: toolChoice(body.tool_choice),
    json: format?.type === 'json_schema' ? { schema: format.schema } : undefined,
    stream: body.stream === true,
    includeUsage: true,
    lastUserText,
    lastIsToolResult,
  };
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** The lifetime a `cache_control` mark asks for. */
function ttlOf(mark: unknown): '5m' | '1h' {
  return (mark as { ttl?: unknown } | null)?.ttl === '1h' ? '1h' : '5m';
}

/** The lifetime of the last cache_control mark in a system prompt or message content. */
function markTtl(content: unknown): '5m' | '1h' {
  const blocks = Array.isArray(content) ? (content as Array<Block | null>) : [];
  for (let index = blocks.length - 1; index >= 0; index--) {
    const mark = blocks[index]?.cache_control;
    if (isRecord(mark)) return ttlOf(mark);
  }
  return '5m';
}

/** Whether a system prompt or message content (an array of blocks) carries a cache_control mark. */
function marked(content: unknown): boolean {
  return Array.isArray(content) && content.some((block: Block | null) => isRecord(block?.cache_control));
}

function toolChoice(choice: Body['tool_choice']): SimToolChoice {
  if (choice?.type === 'none') return 'none';
  if (choice?.type === 'any') return 'required';
  if (choice?.type === 'tool' && typeof choice.name === 'string') return { name: choice.name };
  return 'auto';
}
