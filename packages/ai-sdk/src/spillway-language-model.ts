import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
} from '@ai-sdk/provider';
import type { Router } from '@spillway/core';
import { convertOptions, type SpillwaySettings } from './convert-options.js';
import { toContent, toFinishReason, toProviderMetadata, toUsage, toWarnings } from './convert-result.js';
import { toStreamParts } from './convert-stream.js';

/** The part of a router the model uses. */
export type SpillwayRouter = Pick<Router, 'chat' | 'stream'>;

// Images the router's providers fetch themselves: the AI SDK passes these URLs through unchanged.
const SUPPORTED_URLS = { 'image/*': [/^https?:\/\/.+$/i] };

/**
 * The router as one AI SDK model. `modelId` 'auto' lets the router rank every model it offers;
 * any other id pins that model (on whichever provider offers it). Failures are the router's own
 * errors (`AllProvidersFailedError`, `InvalidRequestError`, …), which the AI SDK does not retry:
 * the router already fell back and retried.
 */
export class SpillwayLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly supportedUrls = SUPPORTED_URLS;
  readonly #router: SpillwayRouter;
  readonly #settings: SpillwaySettings;

  constructor(
    readonly provider: string,
    readonly modelId: string,
    router: SpillwayRouter,
    settings: SpillwaySettings,
  ) {
    this.#router = router;
    this.#settings = settings;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const { request, warnings } = convertOptions(this.modelId, this.#settings, options);
    const result = await this.#router.chat(request);
    const generated: LanguageModelV3GenerateResult = {
      content: toContent(result),
      finishReason: toFinishReason(result.finishReason),
      usage: toUsage(result.usage),
      providerMetadata: toProviderMetadata(result),
      response: { modelId: result.model },
      warnings: [...warnings, ...toWarnings(result)],
    };
    if (result.requestId !== undefined && generated.response) generated.response.id = result.requestId;
    return generated;
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const { request, warnings } = convertOptions(this.modelId, this.#settings, options);
    return { stream: toStreamParts(this.#router.stream(request), warnings) };
  }
}
