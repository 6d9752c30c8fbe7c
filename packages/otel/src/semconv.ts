// Names from the OpenTelemetry GenAI semantic conventions, copied rather than imported: the
// conventions package asks instrumentation libraries not to import its `incubating` entry at runtime
// (it may change in a minor release). See docs/decisions/1700-otel-dependencies-and-semconv.md.

// Attributes: the same in v1.41 and on the genai repository's main for everything we set.
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
/** Set (true) only on streamed requests. */
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
// Input tokens written to the provider's prompt cache: v1.41 calls them cache_creation, main cache_write.
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.usage.cache_write.input_tokens';
/** Output tokens spent reasoning (already in output_tokens); in v1.41 and on main alike. */
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_ERROR_TYPE = 'error.type';
// Opt-in content attributes (recorded only with `recordContent: true`).
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';

export const GEN_AI_OPERATION_CHAT = 'chat';

// Router attributes the conventions have no name for.
export const ATTR_SPILLWAY_ATTEMPTS = 'spillway.attempts';
export const ATTR_SPILLWAY_ATTEMPT = 'spillway.attempt';
/** On an attempt span: it was started as a hedge beside a slow attempt. */
export const ATTR_SPILLWAY_HEDGE = 'spillway.hedge';
export const ATTR_SPILLWAY_FALLBACKS = 'spillway.fallbacks';
export const ATTR_SPILLWAY_WAITED_MS = 'spillway.waited_ms';
export const ATTR_SPILLWAY_COST_USD = 'spillway.cost_usd';
export const ATTR_SPILLWAY_CACHE = 'spillway.cache';
export const ATTR_SPILLWAY_TENANT = 'spillway.tenant';
export const ATTR_SPILLWAY_REQUEST_ID = 'spillway.request_id';
export const ATTR_SPILLWAY_STREAM = 'spillway.stream';
export const ATTR_SPILLWAY_PROVIDER = 'spillway.provider';
export const ATTR_SPILLWAY_MODEL = 'spillway.model';
export const ATTR_SPILLWAY_FAILURE = 'spillway.failure';
export const ATTR_SPILLWAY_STATUS = 'spillway.http_status';
export const ATTR_SPILLWAY_FROM_PROVIDER = 'spillway.from.provider';
export const ATTR_SPILLWAY_TO_PROVIDER = 'spillway.to.provider';
export const ATTR_SPILLWAY_LIMIT_DIMENSION = 'spillway.limit.dimension';
export const ATTR_SPILLWAY_BUDGET = 'spillway.budget';
/** On v1.41's token-usage histogram: `cache_read` or `cache_write`, parts of the input the conventions have no token type for. */
export const ATTR_SPILLWAY_TOKEN_TYPE = 'spillway.token.type';

// Explicit bucket boundaries the conventions give for these histograms.
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** Which generation of the GenAI metric names to emit. */
export type SemconvMode = 'v1.41' | 'latest';

/**
 * v1.41 (the last core-semconv release that defines GenAI) unless OTEL_SEMCONV_STABILITY_OPT_IN,
 * a comma-separated list, has `gen_ai_latest_experimental`: the transition rule the conventions give.
 */
export function semconvMode(
  optIn: string | undefined = process.env.OTEL_SEMCONV_STABILITY_OPT_IN,
): SemconvMode {
  if (!optIn) return 'v1.41';
  return optIn.split(',').some((item) => item.trim() === 'gen_ai_latest_experimental') ? 'latest' : 'v1.41';
}

/** Metric names per mode. Token usage is one histogram in v1.41 and counters plus histograms after. */
export const METRIC_NAMES = {
  'v1.41': {
    duration: 'gen_ai.client.operation.duration',
    timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
    tokenUsage: 'gen_ai.client.token.usage',
  },
  latest: {
    duration: 'gen_ai.client.inference.duration',
    timeToFirstChunk: 'gen_ai.client.inference.time_to_first_chunk',
    inputTokens: 'gen_ai.client.inference.usage.input_tokens',
    outputTokens: 'gen_ai.client.inference.usage.output_tokens',
    cacheReadInputTokens: 'gen_ai.client.inference.usage.cache_read.input_tokens',
    cacheWriteInputTokens: 'gen_ai.client.inference.usage.cache_write.input_tokens',
    operationInputTokens: 'gen_ai.client.inference.operation.input_tokens',
    operationOutputTokens: 'gen_ai.client.inference.operation.output_tokens',
  },
} as const;
