import { ProviderError } from '../errors.js';
import { registerSecret } from '../redact.js';

export type LoadApiKeyOptions = {
  /** The key given to the adapter factory, if any. */
  apiKey: string | undefined;
  /** The environment variable(s) to read when no key was given, first set wins. */
  envVar?: string | readonly string[] | undefined;
  /** For the error: the provider's name in the router and the model being called. */
  provider: string;
  model: string;
};

/**
 * The API key from the options or, failing that, the environment; meant to be called at first use so
 * that importing or constructing an adapter has no side effects. The key is registered as a secret
 * (masked in every error, event and log line). A missing key is an `auth` failure (the router disables
 * the provider and falls back) whose message names the variable(s).
 */
export function loadApiKey(options: LoadApiKeyOptions): string {
  const variables = options.envVar === undefined ? [] : [options.envVar].flat();
  const key = options.apiKey ?? firstSet(variables);
  if (!key) {
    const where = variables.length ? `pass apiKey or set ${variables.join(' or ')}` : 'pass apiKey';
    throw new ProviderError(`${options.provider} (auth): no API key configured: ${where}`, {
      failure: 'auth',
      provider: options.provider,
      model: options.model,
    });
  }
  registerSecret(key);
  return key;
}

function firstSet(names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value) return value;
  }
  return undefined;
}
