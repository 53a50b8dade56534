import { DEFAULT_USAGE, inTwo, stopReasonOf, type FakeLlmReply, type FakeToolResult } from "./script.ts";

// The Anthropic Messages wire format: https://docs.anthropic.com/en/api/messages (and its streaming events).

const STOP_REASONS = { end: "end_turn", tool_use: "tool_use", max_tokens: "max_tokens" } as const;

function inputOf(args: Record<string, unknown> | string): unknown {
  if (typeof args !== "string") return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function contentOf(reply: FakeLlmReply, seq: number) {
  return [
    ...(reply.text ? [{ type: "text" as const, text: reply.text }] : []),
    ...(reply.toolCalls ?? []).map((call, index) => ({
      type: "tool_use" as const,
      id: call.id ?? `toolu_${seq}_${index}`,
      name: call.name,
      input: inputOf(call.arguments),
      raw: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    })),
  ];
}

const usageOf = (reply: FakeLlmReply) => {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
};

export function anthropicMessage(reply: FakeLlmReply, model: string, seq: number) {
  return {
    id: `msg_${seq}`,
    type: "message",
    role: "assistant",
    model,
    content: contentOf(reply, seq).map((block) => {
      if (block.type === "text") return block;
      const { raw: _raw, ...toolUse } = block;
      return toolUse;
    }),
    stop_reason: STOP_REASONS[stopReasonOf(reply)],
    stop_sequence: null,
    usage: usageOf(reply),
  };
}

/** The `[event, data]` pairs of a streamed message. */
export function anthropicEvents(reply: FakeLlmReply, model: string, seq: number): [string, unknown][] {
  const usage = usageOf(reply);
  const events: [string, unknown][] = [
    [
      "message_start",
      {
        type: "message_start",
        message: {
          id: `msg_${seq}`,
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      },
    ],
  ];
  contentOf(reply, seq).forEach((block, index) => {
    if (block.type === "text") {
      events.push([
        "content_block_start",
        { type: "content_block_start", index, content_block: { type: "text", text: "" } },
      ]);
      for (const text of inTwo(block.text)) {
        events.push([
          "content_block_delta",
          { type: "content_block_delta", index, delta: { type: "text_delta", text } },
        ]);
      }
    } else {
      events.push([
        "content_block_start",
        {
          type: "content_block_start",
          index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        },
      ]);
      for (const partial_json of inTwo(block.raw)) {
        events.push([
          "content_block_delta",
          { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } },
        ]);
      }
    }
    events.push(["content_block_stop", { type: "content_block_stop", index }]);
  });
  events.push([
    "message_delta",
    {
      type: "message_delta",
      delta: { stop_reason: STOP_REASONS[stopReasonOf(reply)], stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    },
  ]);
  events.push(["message_stop", { type: "message_stop" }]);
  return events;
}

export function anthropicError(status: number, message: string) {
  const type =
    status === 429
      ? "rate_limit_error"
      : status === 529
        ? "overloaded_error"
        : status >= 500
          ? "api_error"
          : status === 401
            ? "authentication_error"
            : "invalid_request_error";
  return { type: "error", error: { type, message } };
}

/** The tool_result blocks of the last user message. */
export function anthropicToolResults(body: Record<string, unknown>): FakeToolResult[] {
  const messages = Array.isArray(body.messages) ? (body.messages as Record<string, unknown>[]) : [];
  const last = messages.at(-1);
  if (last?.role !== "user" || !Array.isArray(last.content)) return [];
  return (last.content as Record<string, unknown>[])
    .filter((block) => block.type === "tool_result")
    .map((block) => ({
      callId: String(block.tool_use_id),
      content: typeof block.content === "string" ? block.content : JSON.stringify(block.content),
      isError: block.is_error === true,
    }));
}
