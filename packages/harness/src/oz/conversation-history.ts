import type { ChatMessage, ToolResult } from "@oz/llm";

/** What a tool call that never ran is answered with when its conversation is continued. */
const NOT_RUN = "(not run: the execution ended before this tool call was carried out)";

/**
 * A conversation every provider accepts: each assistant message's tool calls answered by the tool message right
 * after it. An execution that ended mid-turn (cancelled, the agent finished with calls left, an error) leaves
 * calls unanswered; they get a "not run" result, so a follow-up's new execution can continue the conversation.
 */
export function closeDanglingToolCalls(messages: readonly ChatMessage[]): ChatMessage[] {
  const closed: ChatMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    closed.push(message);
    if (message.role !== "assistant" || message.toolCalls.length === 0) continue;
    const next = messages[i + 1];
    const answered = next?.role === "tool" ? next.results : [];
    const results: ToolResult[] = message.toolCalls.map(
      (call) => answered.find((r) => r.callId === call.id) ?? { callId: call.id, content: NOT_RUN, isError: true },
    );
    closed.push({ role: "tool", results });
    if (next?.role === "tool") i++;
  }
  return closed;
}
