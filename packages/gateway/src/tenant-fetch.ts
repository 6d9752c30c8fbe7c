import { createAnthropicRouterFetch } from '@spillway/anthropic';
import type { ChatRequest, ModelAlias } from '@spillway/core';
import { createRouterFetch, type FetchLike, type FetchRouter } from '@spillway/openai';
import type { GatewayRouter } from './gateway-options.js';

type FetchOptions = { aliases?: Record<string, ModelAlias>; unknownModel?: 'error' | 'auto' };

/**
 * One translating fetch per tenant (built on first use, then reused): the drop-in translations serve
 * every endpoint, and a thin router view stamps the tenant on each request they build.
 */
export class TenantFetches {
  readonly #router: GatewayRouter;
  readonly #options: FetchOptions;
  readonly #fetches = new Map<string | undefined, FetchLike>();

  constructor(router: GatewayRouter, options: FetchOptions) {
    this.#router = router;
    this.#options = options;
  }

  for(tenant: string | undefined): FetchLike {
    let fetch = this.#fetches.get(tenant);
    if (!fetch) {
      const router = tenant === undefined ? (this.#router as FetchRouter) : tenantView(this.#router, tenant);
      fetch = createRouterFetch(router, {
        ...(this.#options.aliases ? { aliases: this.#options.aliases } : {}),
        ...(this.#options.unknownModel ? { unknownModel: this.#options.unknownModel } : {}),
        messages: createAnthropicRouterFetch(router, {
          ...(this.#options.aliases ? { aliases: this.#options.aliases } : {}),
        }),
      });
      this.#fetches.set(tenant, fetch);
    }
    return fetch;
  }
}

function tenantView(router: GatewayRouter, tenant: string): FetchRouter {
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
