import { answerMessages } from '@spillway/anthropic';
import type { ApiReply, ChatRequest, ModelAlias } from '@spillway/core';
import { type ApiRouter, createApiAnswerer } from '@spillway/openai';
import type { GatewayRouter } from './gateway-options.js';

type AnswerOptions = { aliases?: Record<string, ModelAlias>; unknownModel?: 'error' | 'auto' };

/** One API call as the gateway read it off the socket. */
export type GatewayCall = {
  path: string;
  anthropicShape: boolean;
  method: string;
  body: string | undefined;
  signal: AbortSignal;
};

export type Answer = (call: GatewayCall) => Promise<ApiReply>;

/**
 * One answerer per tenant (built on first use, then reused) over the drop-in translations' own
 * mapping (`createApiAnswerer`, `answerMessages`), called with the body string as read: no web
 * Request or Response in between. A thin router view stamps the tenant on each request they build.
 */
export class TenantAnswers {
  readonly #router: GatewayRouter;
  readonly #options: AnswerOptions;
  readonly #answers = new Map<string | undefined, Answer>();

  constructor(router: GatewayRouter, options: AnswerOptions) {
    this.#router = router;
    this.#options = options;
  }

  for(tenant: string | undefined): Answer {
    let answer = this.#answers.get(tenant);
    if (!answer) {
      answer = this.#build(
        tenant === undefined ? (this.#router as ApiRouter) : tenantView(this.#router, tenant),
      );
      this.#answers.set(tenant, answer);
    }
    return answer;
  }

  #build(router: ApiRouter): Answer {
    const { aliases, unknownModel } = this.#options;
    const answerApi = createApiAnswerer(router, { aliases, unknownModel });
    return (call) => {
      const messages = (body: Record<string, unknown>) =>
        answerMessages(router, body as unknown as Parameters<typeof answerMessages>[1], {
          counting: call.path.endsWith('/count_tokens'),
          signal: call.signal,
          aliases,
        });
      return answerApi({ ...call, messages });
    };
  }
}

function tenantView(router: GatewayRouter, tenant: string): ApiRouter {
  // The translations build a fresh request object per call, so stamping it in place is safe.
  const stamp = (request: ChatRequest): ChatRequest => {
    request.tenant = tenant;
    return request;
  };
  return {
    chat: (request) => router.chat(stamp(request)),
    stream: (request) => router.stream(stamp(request)),
    stats: () => router.stats(),
  };
}
