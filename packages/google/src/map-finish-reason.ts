import type { FinishReason } from '@spillway/core';

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
]);

/**
 * Gemini's finish reason → the router's. STOP with function calls is a tool-call turn (Gemini has no
 * reason of its own for it); a prompt blocked before any candidate (`promptFeedback.blockReason`) is a
 * content filter. MALFORMED_FUNCTION_CALL, OTHER, LANGUAGE and anything new are 'other'.
 */
export function mapFinishReason(
  reason: string | undefined,
  hasToolCalls: boolean,
  blockReason?: string,
): FinishReason {
  if (reason === undefined && blockReason) return 'content-filter';
  if (hasToolCalls && (reason === 'STOP' || reason === undefined)) return 'tool-calls';
  if (reason === 'STOP') return 'stop';
  // CONTINUATION: the answer hit a per-request cap and could go on (automatic continuation is off).
  if (reason === 'MAX_TOKENS' || reason === 'CONTINUATION') return 'length';
  if (reason !== undefined && CONTENT_FILTER.has(reason)) return 'content-filter';
  return 'other';
}
