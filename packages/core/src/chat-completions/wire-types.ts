// The Chat Completions wire shapes this package reads and writes, typed structurally so the same
// mapping serves the `openai` SDK, `groq-sdk` and any OpenAI-compatible server. Only the fields we
// use are listed; everything else passes through untouched in `raw`.

export type WireContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } };

export type WireToolCall = {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
};

export type WireMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | WireContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: WireToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export type WireTool = {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
};

export type WireToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type WireResponseFormat =
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean };
    };

export type WireRequestBody = {
  model: string;
  messages: WireMessage[];
  max_completion_tokens?: number;
  max_tokens?: number;
  temperature?: number;
  seed?: number;
  stop?: string[];
  tools?: WireTool[];
  tool_choice?: WireToolChoice;
  response_format?: WireResponseFormat;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
};

export type WireUsage = {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
};

export type WireResponse = {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    message?: {
      content?: string | null;
      refusal?: string | null;
      tool_calls?: Array<{
        id?: string;
        type?: string;
        function?: { name?: string; arguments?: string };
      }> | null;
    };
    finish_reason?: string | null;
  }>;
  usage?: WireUsage | null;
  x_groq?: { id?: string | null } | null;
};

export type WireChunk = {
  id?: string;
  choices?: Array<{
    index?: number;
    delta?: {
      content?: string | null;
      tool_calls?: Array<{
        index: number;
        id?: string;
        type?: string;
        function?: { name?: string; arguments?: string };
      }> | null;
    };
    finish_reason?: string | null;
  }>;
  usage?: WireUsage | null;
  /** Groq's extension: usage on the final chunk, an error string when it stopped early. */
  x_groq?: { id?: string | null; usage?: WireUsage | null; error?: string | null } | null;
};

/** The body of an error response: `{ error: { message, type, code, param } }`, or its inner object. */
export type WireErrorBody = {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  param?: unknown;
};
