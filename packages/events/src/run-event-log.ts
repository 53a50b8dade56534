import type { NewRunEvent, RunEvent } from "@oz/contract";
import type { Db } from "@oz/db";
import type { Redis } from "ioredis";
import { publishRunEvents } from "./live.ts";
import { appendRunEvents } from "./store.ts";

/** Stores events (the transcript) and then announces them to live viewers. */
export class RunEventLog {
  constructor(
    private readonly db: Db,
    private readonly publisher: Redis,
  ) {}

  async append(runId: string, events: readonly NewRunEvent[]): Promise<RunEvent[]> {
    const stored = await appendRunEvents(this.db, runId, events);
    await publishRunEvents(this.publisher, runId, stored);
    return stored;
  }
}
