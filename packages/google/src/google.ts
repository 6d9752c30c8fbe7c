import type { GoogleGenAI } from '@google/genai';
import {
  type AdapterCall,
  type AdapterResult,
  type AdapterStream,
  ConfigError,
  type Limits,
  type ModelSpec,
  type ProviderAdapter,
  resolveModels,
  SPECIFICATION_VERSION,
} from '@spillway/core';
import { checkAdapterOptions, signalForSdk } from '@spillway/core/adapter';
import { convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { convertStream } from './convert-stream.js';
import { mapError } from './map-error.js';
import { geminiClient } from './sdk-client.js';
import { ThoughtSignatures } from './thought-signatures.js';
import { GEMINI_TIERS, type GeminiTier, tierLimits } from './tier-limits.js';

export type GoogleProviderOptions = {
  /** Defaults to `GOOGLE_API_KEY`, then `GEMINI_API_KEY` (the SDK's own order), read at the first call. */
  apiKey?: string;
  /** Handed to the SDK as `httpOptions.baseUrl` (default `https://generativelanguage.googleapis.com`). */
  baseURL?: string;
  /** A `GoogleGenAI` client you configured yourself; `apiKey`, `baseURL` and `headers` are then ignored. */
  client?: GoogleGenAI;
  /** Limits applied to each model. Gemini's TPM counts input tokens: give it as `inputTpm`. */
  limits?: Limits;
  /** Which tier's published limits each catalog model gets when `limits` is not given. Default 'tier1'. */
  tier?: GeminiTier;
  /** Model ids from the catalog, or specs; omitted: every catalog model of kind 'google'. */
  models?: ReadonlyArray<string | (Partial<ModelSpec> & { id: string })>;
  /** Unique provider name in the router; defaults to 'google'. */
  name?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Clock (epoch ms) for the per-day quota reset at midnight Pacific. Default `Date.now`. */
  now?: () => number;
};

/** A Spillway provider for the Gemini API through the official `@google/genai` SDK. */
export function google(options: GoogleProviderOptions = {}): ProviderAdapter {
  validateOptions(options);
  const name = options.name ?? 'google';
  const tier = options.tier ?? 'tier1';
  const models = resolveModels('google', options.models).map((spec) => {
    const limits = options.limits || spec.limits ? undefined : tierLimits(tier, spec.id);
    return limits ? { ...spec, limits } : spec;
  });
  const now = options.now ?? Date.now;
  const signatures = new ThoughtSignatures();
  const getClient = geminiClient({
    client: options.client,
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    headers: options.headers,
    provider: name,
  });

  async function doGenerate(call: AdapterCall): Promise<AdapterResult> {
    const context = { provider: name, model: call.model, signal: call.signal, now };
    try {
      const params = convertRequest(call, signalForSdk(call.signal), { provider: name, signatures });
      const response = await getClient(call.model).models.generateContent(params);
      return convertResponse(response, signatures);
    } catch (error) {
      throw mapError(error, { ...context, phase: 'request' });
    }
  }

  async function doStream(call: AdapterCall): Promise<AdapterStream> {
    const context = { provider: name, model: call.model, signal: call.signal, now };
    // Our own controller, so that stopping early can end the HTTP request (the SDK's generator only
    // releases its reader); the caller's signal aborts it too.
    const controller = new AbortController();
    const onAbort = () => controller.abort(call.signal.reason);
    if (call.signal.aborted) onAbort();
    else call.signal.addEventListener('abort', onAbort, { once: true });
    const end = (completed: boolean) => {
      call.signal.removeEventListener('abort', onAbort);
      if (!completed) controller.abort();
    };
    try {
      const params = convertRequest(call, controller.signal, { provider: name, signatures });
      const source = await getClient(call.model).models.generateContentStream(params);
      const stream: AdapterStream = {
        events: convertStream(source, {
          ...context,
          signatures,
          end,
          // Gemini's request id is the body's `responseId`, known from the first chunk on.
          onResponseId: (id) => {
            stream.requestId ??= id;
          },
        }),
      };
      return stream;
    } catch (error) {
      end(false);
      throw mapError(error, { ...context, phase: 'request' });
    }
  }

  const adapter: ProviderAdapter = {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    kind: 'google',
    models,
    doGenerate,
    doStream,
  };
  if (options.limits) (adapter as { limits?: Limits }).limits = options.limits;
  return adapter;
}

function validateOptions(options: GoogleProviderOptions): void {
  const fail = (field: string, problem: string): never => {
    throw new ConfigError(`google(): ${field} ${problem}`, { field });
  };
  checkAdapterOptions('google()', options, { clientMethod: ['models', 'generateContent'] });
  if (options.tier !== undefined && !GEMINI_TIERS.includes(options.tier))
    fail('tier', `must be one of ${GEMINI_TIERS.join(', ')}`);
  if (options.now !== undefined && typeof options.now !== 'function') fail('now', 'must be a function');
}
