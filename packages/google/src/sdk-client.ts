import { GoogleGenAI } from '@google/genai';
import { lazyClient, loadApiKey } from '@spillway/core/adapter';

/** Where the key is looked for, in the order `@google/genai` itself reads them. */
export const API_KEY_VARIABLES = ['GOOGLE_API_KEY', 'GEMINI_API_KEY'] as const;

export type ClientOptions = {
  client: GoogleGenAI | undefined;
  apiKey: string | undefined;
  baseURL: string | undefined;
  headers: Record<string, string> | undefined;
  provider: string;
};

/**
 * The user's client, or one built at the first call (a missing key then surfaces as an `auth` failure
 * naming the variables). Built without `httpOptions.retryOptions`: with none, `@google/genai` makes
 * exactly one attempt per call.
 */
export function geminiClient(options: ClientOptions): (model: string) => GoogleGenAI {
  return lazyClient(options.client, (model) => {
    const apiKey = loadApiKey({
      apiKey: options.apiKey,
      envVar: API_KEY_VARIABLES,
      provider: options.provider,
      model,
    });
    return new GoogleGenAI({
      apiKey,
      // Never Vertex AI because of GOOGLE_GENAI_USE_VERTEXAI in the environment: this adapter speaks
      // the Gemini API.
      vertexai: false,
      ...(options.baseURL !== undefined || options.headers
        ? {
            httpOptions: {
              ...(options.baseURL !== undefined ? { baseUrl: options.baseURL } : {}),
              ...(options.headers ? { headers: options.headers } : {}),
            },
          }
        : {}),
    });
  });
}
