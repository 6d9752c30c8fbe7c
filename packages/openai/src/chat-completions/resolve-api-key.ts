import { ProviderError, registerSecret } from '@spillway/core';

/**
 * The API key from the options or, failing that, the environment variable; read at first use so that
 * importing or constructing an adapter has no side effects. A missing key is an `auth` failure (the
 * router disables the provider and falls back) whose message names the variable.
 */
export function resolveApiKey(options: {
  apiKey: string | undefined;
  envVar: string | undefined;
  provider: string;
  model: string;
}): string {
  const key = options.apiKey ?? (options.envVar ? process.env[options.envVar] : undefined);
  if (!key) {
    const where = options.envVar ? `pass apiKey or set ${options.envVar}` : 'pass apiKey';
    throw new ProviderError(`${options.provider} (auth): no API key configured: ${where}`, {
      failure: 'auth',
      provider: options.provider,
      model: options.model,
    });
  }
  registerSecret(key);
  return key;
}
