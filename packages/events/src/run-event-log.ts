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
    /** The deployment's queue prefix: live channels live under it (see live.ts). */
    private readonly prefix: string,
  ) {}

  async append(runId: string, events: readonly NewRunEvent[]): Promise<RunEvent[]> {
    const stored = await appendRunEvents(this.db, runId, events);
    await this.publish(runId, stored);
    return stored;
  }

  /** Announces events already stored by someone else (a run's state event, written with its state change). */
  publish(runId: string, events: readonly RunEvent[]): Promise<void> {
    return publishRunEvents(this.publisher, this.prefix, runId, events);
  }
}
