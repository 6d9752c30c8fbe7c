import { registerSecret } from '@spillway/core';
import type { ChatCompletionsClient } from './chat-completions-adapter.js';

/**
 * Returns the user's client, or creates one at the first call (so a missing key surfaces then, not at
 * import). `create` must build the client with `maxRetries: 0`: the router owns retries.
 */
export function lazyClient<Client extends { apiKey?: string | null }>(
  given: Client | undefined,
  create: (model: string) => Client,
): (model: string) => ChatCompletionsClient {
  if (given) registerSecret(given.apiKey ?? undefined);
  let client: Client | undefined = given;
  return (model) => {
    client ??= create(model);
    return client as unknown as ChatCompletionsClient;
  };
}
