import { formatGoDuration } from './go-duration.js';
import type { Denial } from './rate-limiter.js';
import type { SimError } from './wire.js';

const ORG = 'org-simulated';
const envelope = (error: Record<string, unknown>) => JSON.stringify({ error });

/** OpenAI's error bodies, and Groq's variants of them (no `param`, 498 overloaded, 413 too large). */
export function openaiError(
  flavor: 'openai' | 'groq',
  error: SimError,
): { status: number; body: string; html?: boolean } {
  const groq = flavor === 'groq';
  switch (error.kind) {
    case 'auth':
      return {
        status: 401,
        body: groq
          ? envelope({
              message: 'Invalid API Key',
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            })
          : envelope({
              message:
                'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            }),
      };
    case 'invalid':
      return {
        status: 400,
        body: envelope({
          message: error.message,
          type: 'invalid_request_error',
          param: error.param ?? null,
          code: null,
        }),
      };
    case 'routeNotFound':
      return {
        status: 404,
        body: envelope({
          message: `Unknown request URL: POST ${error.path}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'unknown_url',
        }),
      };
    case 'modelNotFound':
      return {
        status: 404,
        body: groq
          ? envelope({
              message: `The model \`${error.model}\` does not exist or you do not have access to it.`,
              type: 'invalid_request_error',
              code: 'model_not_found',
            })
          : envelope({
              message: `The model \`${error.model}\` does not exist or you do not have access to it.`,
              type: 'invalid_request_error',
              param: null,
              code: 'model_not_found',
            }),
      };
    case 'contextLength':
      return {
        status: 400,
        body: groq
          ? envelope({
              message: 'Please reduce the length of the messages or completion.',
              type: 'invalid_request_error',
              param: 'messages',
              code: 'context_length_exceeded',
            })
          : envelope({
              message: `This model's maximum context length is ${error.contextWindow} tokens. However, your messages resulted in ${error.promptTokens} tokens. Please reduce the length of the messages.`,
              type: 'invalid_request_error',
              param: 'messages',
              code: 'context_length_exceeded',
            }),
      };
    case 'rateLimit':
      return rateLimitError(flavor, error.model, error.denial);
    case 'quota':
      return {
        status: 429,
        body: envelope({
          message:
            'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        }),
      };
    case 'overloaded':
      return groq
        ? {
            status: 498,
            body: envelope({
              message: 'Flex tier capacity exceeded. Please try again later.',
              type: 'capacity_exceeded',
              code: 'capacity_exceeded',
            }),
          }
        : {
            status: 503,
            body: envelope({
              message: 'The engine is currently overloaded, please try again later.',
              type: 'server_error',
              param: null,
              code: null,
            }),
          };
    case 'serverError':
      if (error.status === 502)
        return {
          status: 502,
          html: true,
          body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
        };
      return {
        status: error.status,
        body: envelope({
          message: 'The server had an error while processing your request. Sorry about that!',
          type: groq ? 'internal_server_error' : 'server_error',
          param: null,
          code: null,
        }),
      };
  }
}

function rateLimitError(
  flavor: 'openai' | 'groq',
  model: string,
  denial: Denial,
): { status: number; body: string } {
  const groq = flavor === 'groq';
  const what =
    denial.bucket === 'requests'
      ? 'requests per min (RPM)'
      : denial.bucket === 'requestsDay'
        ? 'requests per day (RPD)'
        : 'tokens per min (TPM)';
  const unit = groq ? what.replace(' min ', ' minute ') : what;
  const type = denial.bucket === 'requests' || denial.bucket === 'requestsDay' ? 'requests' : 'tokens';
  const where = groq
    ? `model \`${model}\` in organization \`org_simulated\` service tier \`on_demand\``
    : `${model} in organization ${ORG}`;
  if (denial.tooLarge) {
    const message = groq
      ? `Request too large for ${where} on ${unit}: Limit ${denial.limit}, Requested ${denial.requested}, please reduce your message size and try again.`
      : `Request too large for ${where} on ${unit}: Limit ${denial.limit}, Requested ${denial.requested}. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.`;
    return {
      status: groq ? 413 : 429,
      body: JSON.stringify({
        error: groq
          ? { message, type, code: 'rate_limit_exceeded' }
          : { message, type, param: null, code: 'rate_limit_exceeded' },
      }),
    };
  }
  const wait = formatGoDuration(denial.retryAfterMs);
  const message = groq
    ? `Rate limit reached for ${where} on ${unit}: Limit ${denial.limit}, Used ${denial.used}, Requested ${denial.requested}. Please try again in ${wait}. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`
    : `Rate limit reached for ${where} on ${unit}: Limit ${denial.limit}, Used ${denial.used}, Requested ${denial.requested}. Please try again in ${wait}. Visit https://platform.openai.com/account/rate-limits to learn more.`;
  return {
    status: 429,
    body: JSON.stringify({
      error: groq
        ? { message, type, code: 'rate_limit_exceeded' }
        : { message, type, param: null, code: 'rate_limit_exceeded' },
    }),
  };
}
