import type { ChatMessage } from "@oz/llm";
import type { ConversationStore } from "../port.ts";

/**
 * A third-party CLI starts fresh in every execution (its own session files die with the sandbox), so a
 * follow-up's new execution gets the earlier exchanges as text in its instructions, and each execution adds
 * its prompt and final answer to the run's conversation.
 */
export function renderEarlierConversation(messages: readonly ChatMessage[]): string | undefined {
  const lines = messages.flatMap((message) => {
    if (message.role === "user") return [`User: ${message.content.trim()}`];
    if (message.role === "assistant" && message.text.trim()) return [`Assistant: ${message.text.trim()}`];
    return [];
  });
  if (lines.length === 0) return undefined;
  return `This run continues an earlier conversation. What was said so far:\n\n${lines.join("\n\n")}`;
}

export async function recordExchange(
  store: ConversationStore | undefined,
  earlier: readonly ChatMessage[],
  prompt: string,
  answer: string,
): Promise<void> {
  if (!store) return;
  await store.save([...earlier, { role: "user", content: prompt }, { role: "assistant", text: answer, toolCalls: [] }]);
}
