// API keys must never reach an error, event, log line or stat. Provider error bodies sometimes echo a
// key ("Incorrect API key provided: sk-abc..."), so every message that crosses into the router goes
// through `redact`.
const KEY_PATTERNS = [
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g,
  /\bgsk_[A-Za-z0-9]{16,}/g,
  // Google API keys (Gemini): "AIza" and 35 more characters.
  /\bAIza[0-9A-Za-z_-]{35}/g,
  /\b(?:Bearer|bearer)\s+[A-Za-z0-9._~+/-]{12,}=*/g,
];

const knownSecrets = new Set<string>();

/** Registers a secret (an API key an adapter was given) so that `redact` masks it wherever it appears. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 8) knownSecrets.add(secret);
}

export function redact(text: string): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (result.includes(secret)) result = result.split(secret).join('[redacted]');
  }
  for (const pattern of KEY_PATTERNS) result = result.replace(pattern, '[redacted]');
  return result;
}
