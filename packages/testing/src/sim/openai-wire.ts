import { formatGoDuration } from './go-duration.js';
import { openaiError } from './openai-errors.js';
import type { RateLimiter } from './rate-limiter.js';
import { type ChatRequest, countPromptTokens, type ReplyPlan, type SimToolChoice } from './reply-plan.js';
import { bearerToken, bodyModel, contentText, type SimError, type StreamFrames, type Wire } from './wire.js';

type Flavor = 'openai' | 'groq';
type Message = { role?: unknown; content?: unknown; tool_calls?: unknown };
type Body = {
  model?: unknown;
  messages?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  stop?: unknown;
  tools?: Array<{ function?: { name?: string; parameters?: unknown } }>;
  tool_choice?: unknown;
  response_format?: { type?: string; json_schema?: { schema?: unknown } };
  stream?: unknown;
  stream_options?: { include_usage?: unknown };
};

/** OpenAI chat completions, and Groq's copy of it (different path, headers, usage and error details). */
export function openaiWire(flavor: Flavor): Wire {
  const groq = flavor === 'groq';
  const chatPath = groq ? '/openai/v1/chat/completions' : '/v1/chat/completions';
  const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

  return {
    name: flavor,
    defaultApiKey: groq ? 'gsk_sim_groq_key' : 'sk-sim-openai-key',
    requestIdHeader: 'x-request-id',
    ids: { message: 'chatcmpl-sim', toolCall: 'call_sim' },
    // OpenAI charges max(max_tokens, estimate); Groq the prompt plus the declared completion cap, and
    // its request headers report the daily limit.
    metering: groq
      ? { tokens: 'total', charge: 'sum', requestsPerDay: true }
      : { tokens: 'total', charge: 'larger', requestsPerDay: false },
    // Both cache long prompts on their own; Groq reports cached tokens only when there are some.
    promptCache: 'automatic',
    // OpenAI checks the prompt alone against the window; Groq the prompt plus the requested output.
    contextIncludesMaxTokens: groq,
    requestsHeaderWindow: groq ? 'day' : 'minute',
    baseURL: (origin) => (groq ? origin : `${origin}/v1`),
    route: (path) => (path === chatPath ? 'chat' : undefined),
    apiKey: bearerToken,
    model: bodyModel,
    parseChat: (raw) => parseChat(raw as Body),
    countTokens: () => ({ kind: 'routeNotFound', path: 'count_tokens' }),

    completion(request, plan, ids) {
      const message: Record<string, unknown> = {
        role: 'assistant',
        content: plan.toolCalls.length > 0 ? null : plan.text,
      };
      if (plan.toolCalls.length > 0) message.tool_calls = plan.toolCalls.map(toolCallJson);
      if (!groq) message.refusal = null;
      const body: Record<string, unknown> = {
        id: ids.id,
        object: 'chat.completion',
        created: ids.created,
        model: request.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finish }],
        usage: usage(request, plan, groq),
      };
      if (groq) body.x_groq = { id: ids.requestId };
      else body.system_fingerprint = 'fp_simulated';
      return JSON.stringify(body);
    },

    stream(request, plan, ids): StreamFrames {
      const base = {
        id: ids.id,
        object: 'chat.completion.chunk',
        created: ids.created,
        model: request.model,
      };
      const withUsage = !groq && request.includeUsage;
      const chunk = (delta: unknown, finish: string | null, extra?: Record<string, unknown>) =>
        data({
          ...base,
          choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
          ...(withUsage ? { usage: null } : {}),
          ...extra,
        });
      const head = [
        chunk(
          { role: 'assistant', content: plan.toolCalls.length > 0 ? null : '' },
          null,
          groq ? { x_groq: { id: ids.requestId } } : undefined,
        ),
      ];
      const content =
        plan.toolCalls.length > 0
          ? plan.toolCalls.flatMap((call, index) => [
              chunk(
                {
                  tool_calls: [
                    { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
                  ],
                },
                null,
              ),
              // OpenAI streams the arguments a few tokens at a time; Groq sends them in one chunk.
              ...(groq ? [call.arguments] : argumentFragments(call.arguments)).map((fragment) =>
                chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }, null),
              ),
            ])
          : textChunks(chunk({ content: '\u0000' }, null), plan.pieces);
      const tail = [
        chunk(
          {},
          plan.finish,
          groq ? { x_groq: { id: ids.requestId, usage: usage(request, plan, groq) } } : undefined,
        ),
      ];
      if (withUsage) tail.push(data({ ...base, choices: [], usage: usage(request, plan, groq) }));
      tail.push('data: [DONE]\n\n');
      return { head, content, tail };
    },

    inbandError: () =>
      data({
        error: {
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
          param: null,
          code: null,
        },
      }),

    error(error: SimError) {
      const answer = openaiError(flavor, error);
      // Groq marks a request that can never fit its limit as not worth retrying.
      if (groq && error.kind === 'rateLimit' && error.denial.tooLarge)
        return { ...answer, headers: { 'x-should-retry': 'false' } };
      return answer;
    },

    limitHeaders(limiter: RateLimiter, model: string, headers: Record<string, string>) {
      const requests = limiter.state(model, groq ? 'requestsDay' : 'requests');
      const tokens = limiter.state(model, 'tokens');
      headers['x-ratelimit-limit-requests'] = String(requests.limit);
      headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
      headers['x-ratelimit-remaining-requests'] = String(requests.remaining);
      headers['x-ratelimit-remaining-tokens'] = String(tokens.remaining);
      headers['x-ratelimit-reset-requests'] = formatGoDuration(requests.resetMs);
      headers['x-ratelimit-reset-tokens'] = formatGoDuration(tokens.resetMs);
    },

    retryHeaders(retryAfterMs: number, headers: Record<string, string>) {
      headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
      if (!groq) headers['retry-after-ms'] = String(Math.ceil(retryAfterMs));
    },
  };
}

/** Content chunks differ only in their text: build one and splice each piece into it. */
export function textChunks(template: string, pieces: string[]): string[] {
  const [before, after] = template.split('"\\u0000"') as [string, string];
  return pieces.map((piece) => before + JSON.stringify(piece) + after);
}

/** Argument JSON in pieces of a few characters, roughly one token each. */
function argumentFragments(json: string): string[] {
  const fragments: string[] = [];
  for (let index = 0; index < json.length; index += 6) fragments.push(json.slice(index, index + 6));
  return fragments.length > 0 ? fragments : [''];
}

function toolCallJson(call: ReplyPlan['toolCalls'][number]) {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

/** prompt_tokens includes the cached and cache-written tokens; the details say how many. */
function usage(request: ChatRequest, plan: ReplyPlan, groq: boolean) {
  const read = plan.cache?.read ?? 0;
  const result: Record<string, unknown> = {
    prompt_tokens: request.promptTokens,
    completion_tokens: plan.outputTokens,
    total_tokens: request.promptTokens + plan.outputTokens,
  };
  if (groq) {
    if (read > 0) result.prompt_tokens_details = { cached_tokens: read };
    return result;
  }
  const written = plan.cache?.written ?? 0;
  result.prompt_tokens_details = {
    cached_tokens: read,
    audio_tokens: 0,
    ...(written > 0 ? { cache_write_tokens: written } : {}),
  };
  result.completion_tokens_details = {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  };
  return result;
}

function parseChat(body: Body): ChatRequest | SimError {
  if (!body || typeof body !== 'object')
    return { kind: 'invalid', message: 'The request body must be a JSON object.' };
  if (typeof body.model !== 'string' || body.model === '')
    return { kind: 'invalid', message: 'you must provide a model parameter', param: 'model' };
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return {
      kind: 'invalid',
      message: "Invalid 'messages': empty array. Expected an array with minimum length 1.",
      param: 'messages',
    };
  const messages = body.messages as Message[];
  const texts: string[] = [];
  let lastUserText = '';
  for (const message of messages) {
    if (!message || typeof message.role !== 'string')
      return {
        kind: 'invalid',
        message: "Missing required parameter: 'messages[].role'.",
        param: 'messages',
      };
    const text = contentText(message.content);
    texts.push(message.tool_calls ? text + JSON.stringify(message.tool_calls) : text);
    if (message.role === 'user') lastUserText = text;
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null && (typeof maxTokens !== 'number' || maxTokens < 1))
    return {
      kind: 'invalid',
      message: 'max_tokens must be a positive integer.',
      param: 'max_completion_tokens',
    };
  const tools = (Array.isArray(body.tools) ? body.tools : []).map((tool) => ({
    name: String(tool?.function?.name ?? ''),
    schema: tool?.function?.parameters,
  }));
  const format = body.response_format?.type;
  const toolText = tools.length > 0 ? JSON.stringify(body.tools) : '';
  return {
    model: body.model,
    promptText: texts.join('\n'),
    promptTokens: countPromptTokens(texts, toolText),
    prompt: { tools: toolText, texts },
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    stop: typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? body.stop.map(String) : [],
    tools,
    toolChoice: toolChoice(body.tool_choice),
    json:
      format === 'json_schema'
        ? { schema: body.response_format?.json_schema?.schema }
        : format === 'json_object'
          ? {}
          : undefined,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    lastUserText,
    lastIsToolResult: messages[messages.length - 1]?.role === 'tool',
  };
}

function toolChoice(value: unknown): SimToolChoice {
  if (value === 'none' || value === 'required' || value === 'auto') return value;
  const name = (value as { function?: { name?: unknown } } | undefined)?.function?.name;
  return typeof name === 'string' ? { name } : 'auto';
}
