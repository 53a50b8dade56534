import { DEFAULT_USAGE, inTwo, stopReasonOf, type FakeLlmReply, type FakeToolResult } from "./script.ts";

// The OpenAI chat-completions wire format: https://platform.openai.com/docs/api-reference/chat

const FINISH_REASONS = { end: "stop", tool_use: "tool_calls", max_tokens: "length" } as const;

const toolCallsOf = (reply: FakeLlmReply, seq: number) =>
  (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${seq}_${index}`,
    type: "function" as const,
    function: {
      name: call.name,
      arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    },
  }));

const usageOf = (reply: FakeLlmReply) => {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
};

export function openAiCompletion(reply: FakeLlmReply, model: string, seq: number) {
  const toolCalls = toolCallsOf(reply, seq);
  return {
    id: `chatcmpl-${seq}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.text ?? null,
          refusal: null,
          ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: FINISH_REASONS[stopReasonOf(reply)],
      },
    ],
    usage: usageOf(reply),
  };
}

/** The `data:` payloads of a streamed completion, `[DONE]` last. */
export function openAiChunks(reply: FakeLlmReply, model: string, seq: number, includeUsage: boolean): string[] {
  const base = {
    id: `chatcmpl-${seq}`,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  const chunks = [chunk({ role: "assistant", content: "" })];
  for (const part of inTwo(reply.text ?? "")) chunks.push(chunk({ content: part }));
  toolCallsOf(reply, seq).forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }],
      }),
    );
    for (const part of inTwo(call.function.arguments)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  chunks.push(chunk({}, FINISH_REASONS[stopReasonOf(reply)]));
  if (includeUsage) chunks.push(JSON.stringify({ ...base, choices: [], usage: usageOf(reply) }));
  chunks.push("[DONE]");
  return chunks;
}

export function openAiError(status: number, message: string) {
  const type = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message, type, param: null, code: null } };
}

/**
 * The trailing `tool` messages: the results of the previous assistant message's calls. The format has no error
 * flag, so a result reads as an error when its text starts with "Error:" (what clients conventionally send).
 */
export function openAiToolResults(body: Record<string, unknown>): FakeToolResult[] {
  const messages = Array.isArray(body.messages) ? (body.messages as Record<string, unknown>[]) : [];
  const results: FakeToolResult[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]?.role === "tool"; i--) {
    const message = messages[i]!;
    const content = typeof message.content === "string" ? message.content : JSON.stringify(message.content);
    results.unshift({ callId: String(message.tool_call_id), content, isError: content.startsWith("Error:") });
  }
  return results;
}
