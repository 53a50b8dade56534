import type { Db } from "@oz/db";
import type { FollowupSource } from "@oz/harness";

/**
 * The follow-ups of a run this worker executes. Postgres holds them (the backlog: nothing is lost
 * when Redis is down or the run changes hands); the API's Redis announcement only says "look now". So `take`
 * reads the backlog after an announcement, and always when asked to recheck (before the agent finishes).
 */
export class FollowupInbox implements FollowupSource {
  /** Messages may have arrived before this execution listened. */
  #announced = true;

  constructor(
    private readonly db: Db,
    private readonly runId: string,
  ) {}

  /** The API announced a follow-up for this run. */
  announce(): void {
    this.#announced = true;
  }

  async take(options: { recheck?: boolean } = {}): Promise<string[]> {
    if (!this.#announced && !options.recheck) return [];
    this.#announced = false;
    try {
      return await takeWaitingFollowups(this.db, this.runId);
    } catch {
      this.#announced = true; // Postgres hiccup: look again next time
      return [];
    }
  }
}

/** Hands out the run's waiting follow-ups, oldest first, marking them delivered (each goes to one execution). */
export async function takeWaitingFollowups(db: Db, runId: string): Promise<string[]> {
  const taken = await db.runFollowup.updateManyAndReturn({
    where: { runId, deliveredAt: null },
    data: { deliveredAt: new Date() },
    select: { id: true, message: true, createdAt: true },
  });
  return taken
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    .map((followup) => followup.message);
}

/** The oldest follow-up no execution has taken yet, if any. */
export function firstWaitingFollowup(db: Db, runId: string) {
  return db.runFollowup.findFirst({
    where: { runId, deliveredAt: null },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
}

/**
 * What an execution's agent is asked: the run's prompt the first time an agent starts on it, then every
 * follow-up waiting for it (a follow-up's new execution is asked the follow-up alone; its history has the rest).
 */
export function executionPrompt(runPrompt: string, agentStartedBefore: boolean, followups: readonly string[]): string {
  return [agentStartedBefore ? "" : runPrompt, ...followups]
    .map((text) => text.trim())
    .filter(Boolean)
    .join("\n\n");
}
