import { textChunks } from './openai-wire.js';
import type { Denial } from './rate-limiter.js';
import { type ChatRequest, countPromptTokens, type ReplyPlan, type SimToolChoice } from './reply-plan.js';
import type { SimError, StreamFrames, Wire } from './wire.js';

type Part = {
  text?: unknown;
  thought?: unknown;
  functionCall?: { name?: unknown; args?: unknown; id?: unknown };
  functionResponse?: { name?: unknown; response?: unknown; id?: unknown };
};
type Content = { role?: unknown; parts?: unknown };
type Declaration = { name?: unknown; parameters?: unknown; parametersJsonSchema?: unknown };
type Body = {
  contents?: unknown;
  systemInstruction?: Content;
  tools?: Array<{ functionDeclarations?: Declaration[] }>;
  toolConfig?: { functionCallingConfig?: { mode?: unknown; allowedFunctionNames?: unknown } };
  generationConfig?: {
    maxOutputTokens?: unknown;
    stopSequences?: unknown;
    responseMimeType?: unknown;
    responseJsonSchema?: unknown;
    responseSchema?: unknown;
  };
};

// `/v1beta/models/gemini-2.5-flash:streamGenerateContent` (the SDK adds `?alt=sse` for streams).
const ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const SSE = (value: unknown) => `data: ${JSON.stringify(value)}\r\n\r\n`;
const RATE_LIMIT_DOCS = 'https://ai.google.dev/gemini-api/docs/rate-limits';
const INTERNAL_MESSAGE =
  'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';

/**
 * The Gemini API (generativelanguage.googleapis.com, as `@google/genai` calls it): the model in the
 * path, `x-goog-api-key`, SSE with `alt=sse`, no rate-limit headers at all, and 429s whose body
 * carries a `QuotaFailure` (which quota: per minute or per day) and a `RetryInfo` (how long to wait).
 * RPM, input TPM and RPD are enforced per model, as Google documents.
 */
export function geminiWire(): Wire {
  return {
    name: 'gemini',
    defaultApiKey: 'AIzaSySimulatedGeminiKey000000000000000',
    requestIdHeader: undefined,
    ids: { message: 'sim-gemini-', toolCall: 'call_sim' },
    metering: { tokens: 'input', requestsPerDay: true },
    contextIncludesMaxTokens: false,
    // Implicit caching (Gemini 2.5 and later): long prompts are cached without being asked.
    promptCache: 'automatic',
    requestsHeaderWindow: undefined,
    baseURL: (origin) => origin,
    route(path) {
      const method = ROUTE.exec(path)?.[2];
      if (!method) return undefined;
      return method === 'countTokens' ? 'countTokens' : 'chat';
    },
    apiKey: (headers) => {
      const key = headers['x-goog-api-key'];
      return typeof key === 'string' ? key : undefined;
    },
    model: (_body, path) => modelOf(path),
    parseChat: (body, path) => parse(body as Body, path),
    countTokens(body, path) {
      const parsed = parse(body as Body, path);
      return 'kind' in parsed ? parsed : JSON.stringify({ totalTokens: parsed.promptTokens });
    },

    completion(request, plan, ids) {
      return JSON.stringify({
        candidates: [
          { content: { parts: replyParts(plan), role: 'model' }, finishReason: finish(plan), index: 0 },
        ],
        usageMetadata: usage(request, plan),
        modelVersion: request.model,
        responseId: ids.id,
      });
    },

    stream(request, plan, ids): StreamFrames {
      const meta = { modelVersion: request.model, responseId: ids.id };
      const promptOnly = { promptTokenCount: request.promptTokens, totalTokenCount: request.promptTokens };
      const chunk = (parts: unknown[], extra?: Record<string, unknown>) =>
        SSE({
          candidates: [{ content: { parts, role: 'model' }, index: 0, ...extra }],
          usageMetadata: promptOnly,
          ...meta,
        });
      // Gemini sends each function call whole, in one chunk; the last chunk carries the finish reason.
      const content =
        plan.toolCalls.length > 0
          ? [chunk(replyParts(plan))]
          : textChunks(chunk([{ text: '\u0000' }]), plan.pieces);
      const tail = [
        SSE({
          candidates: [
            { content: { parts: [{ text: '' }], role: 'model' }, finishReason: finish(plan), index: 0 },
          ],
          usageMetadata: usage(request, plan),
          ...meta,
        }),
      ];
      return { head: [], content, tail };
    },

    inbandError: () => SSE({ error: { code: 500, message: INTERNAL_MESSAGE, status: 'INTERNAL' } }),

    error(error: SimError) {
      if (error.kind === 'serverError' && error.status === 502) {
        const body =
          '<!DOCTYPE html>\n<html lang=en><title>Error 502 (Server Error)!!1</title><p><b>502.</b> That’s an error.</p></html>\n';
        return { status: 502, body, html: true };
      }
      const [code, status, message, details] = describe(error);
      const inner: Record<string, unknown> = { code, message, status };
      if (details) inner.details = details;
      return { status: code, body: JSON.stringify({ error: inner }, null, 2) };
    },

    // Gemini sends no rate-limit headers and no Retry-After: the wait is in the 429's body.
    limitHeaders() {},
    retryHeaders() {},
  };
}

function modelOf(path: string): string | undefined {
  const model = ROUTE.exec(path)?.[1];
  return model === undefined ? undefined : decodeURIComponent(model);
}

type Described = [number, string, string, unknown[]?];

function describe(error: SimError): Described {
  switch (error.kind) {
    case 'auth':
      return [
        400,
        'INVALID_ARGUMENT',
        'API key not valid. Please pass a valid API key.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ],
      ];
    case 'invalid':
      return [400, 'INVALID_ARGUMENT', error.message];
    case 'routeNotFound':
      return [404, 'NOT_FOUND', `Method not found: ${error.path}`];
    case 'modelNotFound':
      return [
        404,
        'NOT_FOUND',
        `models/${error.model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      ];
    case 'contextLength':
      return [
        400,
        'INVALID_ARGUMENT',
        `The input token count (${error.promptTokens}) exceeds the maximum number of tokens allowed (${error.contextWindow}).`,
      ];
    case 'rateLimit':
      return quotaError(error.model, error.denial, error.retryAfterMs);
    case 'quota':
      return quotaError(error.model ?? 'unknown', dailyDenial(error.limit ?? 0), undefined);
    case 'serverError':
      return error.status === 503
        ? [503, 'UNAVAILABLE', 'The service is currently unavailable.']
        : error.status === 504
          ? [504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.']
          : [error.status, 'INTERNAL', INTERNAL_MESSAGE];
    case 'overloaded':
      return [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'];
  }
}

function dailyDenial(limit: number): Denial {
  return { bucket: 'requestsDay', tooLarge: false, limit, used: limit, requested: 1, retryAfterMs: 0 };
}

/** Which quota a denial hit, named as the Gemini API names it (paid tier). */
function quotaOf(denial: Denial): { metric: string; id: string } {
  if (denial.bucket === 'requestsDay')
    return { metric: 'generate_requests_per_model_per_day', id: 'GenerateRequestsPerDayPerProjectPerModel' };
  if (denial.bucket === 'requests')
    return { metric: 'generate_requests_per_model', id: 'GenerateRequestsPerMinutePerProjectPerModel' };
  return {
    metric: 'generate_content_paid_tier_input_token_count',
    id: 'GenerateContentPaidTierInputTokensPerModelPerMinute',
  };
}

/** A RESOURCE_EXHAUSTED body: QuotaFailure (which quota), Help, and RetryInfo when a wait is known. */
function quotaError(model: string, denial: Denial, retryAfterMs: number | undefined): Described {
  const quota = quotaOf(denial);
  const metric = `generativelanguage.googleapis.com/${quota.metric}`;
  const wait = retryAfterMs === undefined ? '' : `\nPlease retry in ${retryDelay(retryAfterMs)}.`;
  const message =
    `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: ${RATE_LIMIT_DOCS}. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n` +
    `* Quota exceeded for metric: ${metric}, limit: ${denial.limit}, model: ${model}${wait}`;
  const details: unknown[] = [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: metric,
          quotaId: quota.id,
          quotaDimensions: { location: 'global', model },
          quotaValue: String(denial.limit),
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMIT_DOCS }],
    },
  ];
  if (retryAfterMs !== undefined)
    details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: retryDelay(retryAfterMs),
    });
  return [429, 'RESOURCE_EXHAUSTED', message, details];
}

/** A protobuf Duration in JSON: seconds with up to millisecond decimals, e.g. "26s" or "1.5s". */
function retryDelay(ms: number): string {
  return `${Number((Math.max(0, ms) / 1000).toFixed(3))}s`;
}

function finish(plan: ReplyPlan): string {
  return plan.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
}

function replyParts(plan: ReplyPlan): unknown[] {
  if (plan.toolCalls.length === 0) return [{ text: plan.text }];
  return plan.toolCalls.map((call) => ({ functionCall: { id: call.id, name: call.name, args: call.input } }));
}

/** promptTokenCount includes the implicitly cached tokens, reported again as cachedContentTokenCount. */
function usage(request: ChatRequest, plan: ReplyPlan) {
  const read = plan.cache?.read ?? 0;
  return {
    promptTokenCount: request.promptTokens,
    candidatesTokenCount: plan.outputTokens,
    totalTokenCount: request.promptTokens + plan.outputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: request.promptTokens }],
    ...(read > 0
      ? { cachedContentTokenCount: read, cacheTokensDetails: [{ modality: 'TEXT', tokenCount: read }] }
      : {}),
  };
}

function partsOf(content: Content | undefined): Part[] {
  return Array.isArray(content?.parts) ? (content.parts as Part[]) : [];
}

function partsText(parts: Part[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (typeof part?.text === 'string') texts.push(part.text);
    if (part?.functionCall) texts.push(JSON.stringify(part.functionCall));
    if (part?.functionResponse) texts.push(JSON.stringify(part.functionResponse));
  }
  return texts.join('\n');
}

function parse(body: Body, path: string): ChatRequest | SimError {
  const model = modelOf(path);
  if (!body || typeof body !== 'object' || !model)
    return { kind: 'invalid', message: 'Invalid JSON payload received.' };
  if (!Array.isArray(body.contents) || body.contents.length === 0)
    return { kind: 'invalid', message: '* GenerateContentRequest.contents: contents is not specified\n' };
  const config = body.generationConfig ?? {};
  const maxTokens = config.maxOutputTokens;
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || maxTokens < 1))
    return {
      kind: 'invalid',
      message: '* GenerateContentRequest.generation_config.max_output_tokens: must be positive\n',
    };
  const texts: string[] = [];
  const system = partsText(partsOf(body.systemInstruction));
  if (system) texts.push(system);
  let lastUserText = '';
  let lastIsToolResult = false;
  for (const [index, content] of (body.contents as Content[]).entries()) {
    if (content?.role !== undefined && content.role !== 'user' && content.role !== 'model')
      return {
        kind: 'invalid',
        message: `* GenerateContentRequest.contents[${index}].role: Please use a valid role: user, model.\n`,
      };
    const parts = partsOf(content);
    const text = partsText(parts);
    texts.push(text);
    lastIsToolResult = parts.some((part) => part?.functionResponse);
    if (content?.role !== 'model' && !lastIsToolResult) lastUserText = text;
  }
  const declarations = (Array.isArray(body.tools) ? body.tools : []).flatMap((tool) =>
    Array.isArray(tool?.functionDeclarations) ? tool.functionDeclarations : [],
  );
  const tools = declarations.map((declaration) => ({
    name: String(declaration?.name ?? ''),
    schema: declaration?.parametersJsonSchema ?? declaration?.parameters,
  }));
  const stop = Array.isArray(config.stopSequences) ? config.stopSequences.map(String) : [];
  const toolText = tools.length > 0 ? JSON.stringify(declarations) : '';
  return {
    model,
    promptText: texts.join('\n'),
    promptTokens: countPromptTokens(texts, toolText),
    prompt: { tools: toolText, texts },
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    stop,
    tools,
    toolChoice: toolChoice(body.toolConfig?.functionCallingConfig),
    json:
      config.responseMimeType === 'application/json'
        ? { schema: config.responseJsonSchema ?? config.responseSchema }
        : undefined,
    stream: path.endsWith(':streamGenerateContent'),
    includeUsage: true,
    lastUserText,
    lastIsToolResult,
  };
}

function toolChoice(config: { mode?: unknown; allowedFunctionNames?: unknown } | undefined): SimToolChoice {
  if (config?.mode === 'NONE') return 'none';
  if (config?.mode !== 'ANY') return 'auto';
  const names = config.allowedFunctionNames;
  return Array.isArray(names) && names.length === 1 && typeof names[0] === 'string'
    ? { name: names[0] }
    : 'required';
}
