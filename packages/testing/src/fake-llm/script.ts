/** What the fake model answers to one request, in any of its wire formats. */
export interface FakeLlmReply {
  text?: string;
  toolCalls?: FakeToolCall[];
  /** Defaults to `tool_use` when there are tool calls, else `end`. */
  stopReason?: "end" | "tool_use" | "max_tokens";
  /** Defaults to 100 in / 20 out. */
  usage?: { input_tokens: number; output_tokens: number };
  /** Answer with this HTTP error status (and `errorMessage`) instead of a completion. */
  status?: number;
  errorMessage?: string;
  /** Extra response headers, e.g. `retry-after-ms` to keep a client's retry backoff short. */
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow model, to cancel mid-request). */
  delayMs?: number;
}

export interface FakeToolCall {
  /** Defaults to call_<n> (OpenAI) or toolu_<n> (Anthropic). */
  id?: string;
  name: string;
  /**
   * An object is sent as the model's JSON arguments. A string is sent verbatim: OpenAI's `arguments` text
   * (so broken JSON can be scripted); for Anthropic, parsed into `input` when it is JSON, else the raw string.
   */
  arguments: Record<string, unknown> | string;
  /** The Responses API's tool namespace the tool is in (Codex offers each MCP server's tools as one). */
  namespace?: string;
}

/** A tool result the client sent back, as the fake read it from the request. */
export interface FakeToolResult {
  callId: string;
  content: string;
  isError: boolean;
}

/**
 * The wire formats the fake speaks: OpenAI chat completions, the Anthropic Messages API, the OpenAI Responses
 * API (Codex CLI) and the Gemini API (Gemini CLI).
 */
export type FakeLlmFormat = "openai" | "anthropic" | "openai-responses" | "gemini";

/** A request the fake received, normalised across the wire formats. */
export interface FakeLlmRequest {
  format: FakeLlmFormat;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, as sent. */
  body: Record<string, unknown>;
  stream: boolean;
  /** The tool results at the end of the conversation (what the client answered the last tool calls with). */
  toolResults: FakeToolResult[];
}

/** A scripted answer, fixed or computed from the request (e.g. to echo a tool result back). */
export type FakeLlmStep = FakeLlmReply | ((request: FakeLlmRequest) => FakeLlmReply);

export const DEFAULT_USAGE = { input_tokens: 100, output_tokens: 20 };

export function stopReasonOf(reply: FakeLlmReply): "end" | "tool_use" | "max_tokens" {
  return reply.stopReason ?? ((reply.toolCalls?.length ?? 0) > 0 ? "tool_use" : "end");
}

/** Splits text in two, so streamed answers exercise a client's accumulation of deltas. */
export function inTwo(text: string): string[] {
  if (text.length < 2) return text ? [text] : [];
  const middle = Math.floor(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}
