import type { FinishReason } from '@spillway/core';

/**
 * Anthropic's `stop_reason` → our finish reason. `pause_turn` (a server tool paused a long turn) and
 * anything newer than this list become 'other': the caller sees the turn did not end normally.
 */
export function mapFinishReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}
