import { registerSecret } from '../redact.js';

/**
 * Registers, as secrets, the credentials an SDK client the user configured carries (`apiKey`,
 * `authToken`), so a key not shaped like any known key is masked like one given to the factory.
 */
export function registerClientSecrets(client: unknown): void {
  if (typeof client !== 'object' || client === null) return;
  for (const field of ['apiKey', 'authToken'] as const) {
    const value = (client as Record<string, unknown>)[field];
    if (typeof value === 'string') registerSecret(value);
  }
}

/**
 * Returns the user's client (its credentials registered as secrets at once), or creates one at the
 * first call, so a missing key surfaces then, not at import. `create` should read the key with
 * `loadApiKey` and build the client with the SDK's retries off: the router owns retries.
 */
export function lazyClient<Client>(
  given: Client | undefined,
  create: (model: string) => Client,
): (model: string) => Client {
  if (given !== undefined) registerClientSecrets(given);
  let client: Client | undefined = given;
  return (model) => {
    client ??= create(model);
    return client;
  };
}
