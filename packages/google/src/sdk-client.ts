import { GoogleGenAI } from '@google/genai';
import { ProviderError, registerSecret } from '@spillway/core';

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
 * Returns the user's client, or builds one at the first call (so a missing key surfaces then, as an
 * `auth` failure naming the variables, and importing the adapter reads nothing). The client is built
 * without `httpOptions.retryOptions`: with none, `@google/genai` makes exactly one attempt per call.
 */
export function lazyClient(options: ClientOptions): (model: string) => GoogleGenAI {
  let client = options.client;
  if (client) registerSecret(keyOf(client));
  return (model) => {
    if (client) return client;
    const apiKey = options.apiKey ?? firstSet(API_KEY_VARIABLES);
    if (!apiKey) {
      throw new ProviderError(
        `${options.provider} (auth): no API key configured: pass apiKey or set ${API_KEY_VARIABLES.join(' or ')}`,
        { failure: 'auth', provider: options.provider, model },
      );
    }
    registerSecret(apiKey);
    client = new GoogleGenAI({
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
    return client;
  };
}

function firstSet(names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value) return value;
  }
  return undefined;
}

function keyOf(client: GoogleGenAI): string | undefined {
  const key = (client as unknown as { apiKey?: unknown }).apiKey;
  return typeof key === 'string' ? key : undefined;
}
