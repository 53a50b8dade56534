import { DEFAULT_USAGE, inTwo, stopReasonOf, type FakeLlmReply, type FakeToolResult } from "./script.ts";

// The OpenAI Responses wire format (what Codex CLI speaks): https://platform.openai.com/docs/api-reference/responses
// and its streaming events (https://platform.openai.com/docs/api-reference/responses-streaming).

function argumentsText(args: Record<string, unknown> | string): string {
  return typeof args === "string" ? args : JSON.stringify(args);
}

function outputItems(reply: FakeLlmReply, seq: number) {
  return [
    ...(reply.text
      ? [
          {
            type: "message" as const,
            id: `msg_${seq}`,
            status: "completed",
            role: "assistant",
            content: [{ type: "output_text", text: reply.text, annotations: [] }],
          },
        ]
      : []),
    ...(reply.toolCalls ?? []).map((call, index) => ({
      type: "function_call" as const,
      id: `fc_${seq}_${index}`,
      status: "completed",
      call_id: call.id ?? `call_${seq}_${index}`,
      ...(call.namespace !== undefined && { namespace: call.namespace }),
      name: call.name,
      arguments: argumentsText(call.arguments),
    })),
  ];
}

const usageOf = (reply: FakeLlmReply) => {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    input_tokens: usage.input_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
};

export function responsesObject(reply: FakeLlmReply, model: string, seq: number) {
  const cutOff = stopReasonOf(reply) === "max_tokens";
  return {
    id: `resp_${seq}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: cutOff ? "incomplete" : "completed",
    incomplete_details: cutOff ? { reason: "max_output_tokens" } : null,
    error: null,
    model,
    output: outputItems(reply, seq),
    parallel_tool_calls: true,
    usage: usageOf(reply),
  };
}

/** The `[event, data]` pairs of a streamed response, `response.completed` (or `.incomplete`) last. */
export function responsesEvents(reply: FakeLlmReply, model: string, seq: number): [string, unknown][] {
  const events: [string, unknown][] = [];
  const push = (type: string, data: Record<string, unknown>) =>
    events.push([type, { type, sequence_number: events.length, ...data }]);
  const final = responsesObject(reply, model, seq);
  push("response.created", { response: { ...final, status: "in_progress", output: [], usage: null } });
  final.output.forEach((item, output_index) => {
    if (item.type === "message") {
      const text = item.content[0]!.text;
      push("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } });
      const part = { type: "output_text", text: "", annotations: [] };
      push("response.content_part.added", { item_id: item.id, output_index, content_index: 0, part });
      for (const delta of inTwo(text)) {
        push("response.output_text.delta", { item_id: item.id, output_index, content_index: 0, delta });
      }
      push("response.output_text.done", { item_id: item.id, output_index, content_index: 0, text });
      push("response.content_part.done", {
        item_id: item.id,
        output_index,
        content_index: 0,
        part: { ...part, text },
      });
    } else {
      push("response.output_item.added", { output_index, item: { ...item, status: "in_progress", arguments: "" } });
      for (const delta of inTwo(item.arguments)) {
        push("response.function_call_arguments.delta", { item_id: item.id, output_index, delta });
      }
      push("response.function_call_arguments.done", { item_id: item.id, output_index, arguments: item.arguments });
    }
    push("response.output_item.done", { output_index, item });
  });
  push(final.status === "completed" ? "response.completed" : "response.incomplete", { response: final });
  return events;
}

export function responsesError(status: number, message: string) {
  const type = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  const code = status === 401 ? "invalid_api_key" : null;
  return { error: { message, type, param: null, code } };
}

/**
 * The results of the previous response's calls: the trailing `function_call_output` items, back to the calls
 * they answer (an output before those calls answered an earlier response).
 */
export function responsesToolResults(body: Record<string, unknown>): FakeToolResult[] {
  const input = Array.isArray(body.input) ? (body.input as Record<string, unknown>[]) : [];
  const results: FakeToolResult[] = [];
  let seenCall = false;
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i]!;
    if (item.type === "function_call_output" && !seenCall) {
      const output = typeof item.output === "string" ? item.output : JSON.stringify(item.output);
      results.unshift({ callId: String(item.call_id), content: output, isError: output.startsWith("Error:") });
    } else if (item.type === "function_call" || item.type === "reasoning") {
      seenCall = true;
    } else {
      break;
    }
  }
  return results;
}
