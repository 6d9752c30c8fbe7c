// Gemini 2.5 and 3 return a `thoughtSignature` with each function call, and Gemini 3 rejects a later
// turn that replays the call without it. The router's ToolCall has no field for it, so the adapter
// remembers the signature per call id (bounded: the oldest are forgotten first).
const MAX_REMEMBERED = 2000;
// Google's documented stand-in for a call whose signature is unknown (made by another model or
// provider): it tells Gemini 3 to skip the check rather than reject the request.
const SKIP_VALIDATION = 'skip_thought_signature_validator';

export class ThoughtSignatures {
  readonly #byCallId = new Map<string, string>();

  remember(callId: string, signature: string | undefined): void {
    if (!signature) return;
    this.#byCallId.delete(callId);
    this.#byCallId.set(callId, signature);
    if (this.#byCallId.size > MAX_REMEMBERED) {
      const oldest = this.#byCallId.keys().next().value;
      if (oldest !== undefined) this.#byCallId.delete(oldest);
    }
  }

  /** The signature to send back with a call, if the model needs one. */
  forCall(callId: string, model: string): string | undefined {
    return this.#byCallId.get(callId) ?? (model.startsWith('gemini-3') ? SKIP_VALIDATION : undefined);
  }
}
