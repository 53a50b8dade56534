/**
 * The one shape a conversation with a model takes here, whichever provider serves it. Provider clients map
 * it to and from their wire format; the tool loop only ever sees this.
 */

/** A tool the model may call; `parameters` is a JSON Schema object. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  /** The provider's id, echoed back with the result. */
  id: string;
  name: string;
  /** The arguments as the model wrote them: JSON text, not necessarily valid. */
  arguments: string;
}

export interface ToolResult {
  callId: string;
  content: string;
  /** The call failed (bad arguments, unknown tool, the tool's own error): the model sees it as an error. */
  isError: boolean;
}

export type ChatMessage =
  | { role: "user"; content: string }
  | { role: "assistant"; text: string; toolCalls: ToolCall[] }
  /** The results of the previous assistant message's tool calls, in order. */
  | { role: "tool"; results: ToolResult[] };

export interface TokenUsage {
  /** Every prompt token, cached ones included. */
  input_tokens: number;
  output_tokens: number;
}

/** Why the model stopped: it wants tools run, it is done, or it hit the response token limit. */
export type StopReason = "tool_use" | "end" | "max_tokens";

export interface Completion {
  message: { text: string; toolCalls: ToolCall[] };
  usage: TokenUsage;
  stopReason: StopReason;
}

export interface CompletionRequest {
  /** The provider's model name. */
  model: string;
  system: string;
  messages: readonly ChatMessage[];
  tools: readonly ToolSpec[];
  maxTokens: number;
  /** Aborting cancels the HTTP request (and any retry wait) at once. */
  signal?: AbortSignal;
}

/** One provider endpoint. Transient failures (429, 5xx, connection) are retried inside; what escapes is final. */
export interface LlmClient {
  readonly provider: string;
  complete(request: CompletionRequest): Promise<Completion>;
}
