import type { ChatRequest } from './types.js';

/** What a drop-in's `tenant` function sees of one call: its headers and its parsed JSON body. */
export type TenantSource = { headers: Headers; body: Record<string, unknown> };

/**
 * A drop-in client's or router fetch's `tenant` option: one tenant for every call, or a function that
 * picks it per call (from a header the application sets, say). Undefined means no tenant.
 */
export type TenantOption = string | ((source: TenantSource) => string | undefined);

export function resolveTenant(option: TenantOption | undefined, source: TenantSource): string | undefined {
  return typeof option === 'function' ? option(source) : option;
}

type RouterLike = {
  chat(request: ChatRequest): unknown;
  stream?(request: ChatRequest): unknown;
  stats?(): unknown;
};

/**
 * The router as a drop-in translation uses it, with `tenant` on every request it builds. The
 * translations build a fresh request per call, so the tenant cannot leak between calls.
 */
export function withTenant<R extends RouterLike>(router: R, tenant: string | undefined): R {
  if (tenant === undefined) return router;
  const view: RouterLike = { chat: (request) => router.chat({ ...request, tenant }) };
  if (router.stream) view.stream = (request) => router.stream?.({ ...request, tenant });
  if (router.stats) view.stats = () => router.stats?.();
  return view as R;
}
