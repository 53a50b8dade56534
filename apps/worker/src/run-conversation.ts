import type { Db, Prisma } from "@oz/db";
import type { ConversationStore } from "@oz/harness";
import type { ChatMessage } from "@oz/llm";

const ROLES = new Set(["user", "assistant", "tool"]);

/**
 * A run's conversation with its model in Postgres (one row per run), so that a follow-up's new execution, on
 * whichever worker takes it, continues where the last one stopped.
 */
export function runConversation(db: Db, runId: string): ConversationStore {
  return {
    async load() {
      const row = await db.runConversation.findUnique({ where: { runId }, select: { messages: true } });
      const messages = Array.isArray(row?.messages) ? (row.messages as unknown[]) : [];
      return messages.filter(
        (m): m is ChatMessage => typeof m === "object" && m !== null && ROLES.has((m as { role?: string }).role ?? ""),
      );
    },
    async save(messages) {
      const json = messages as unknown as Prisma.InputJsonValue;
      await db.runConversation.upsert({
        where: { runId },
        create: { runId, messages: json },
        update: { messages: json, updatedAt: new Date() },
      });
    },
  };
}
