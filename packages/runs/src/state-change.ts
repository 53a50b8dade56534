import type { ErrorCode, NewRunEvent, RunEvent, RunState, RunStatusMessage } from "@oz/contract";
import { Prisma, type Db, type Run } from "@oz/db";
import { insertRunEvents, isSeqCollision } from "@oz/events";
import { allowedFrom } from "./state-machine.ts";

/** The transcript: the engine writes a run's state events itself and has them announced to live viewers. */
export interface EventSink {
  append(runId: string, events: NewRunEvent[]): Promise<unknown>;
  /** Announces events that are already stored (written in the state change's transaction). */
  publish(runId: string, events: readonly RunEvent[]): Promise<void>;
}

export interface RunEngineDeps {
  db: Db;
  events: EventSink;
}

/** Columns a state change may set along with the state. */
export type RunColumns = Partial<
  Pick<
    Prisma.RunUncheckedUpdateManyInput,
    | "requestUsage"
    | "isSandboxRunning"
    | "sandboxStartedAt"
    | "runTimeMs"
    | "workerId"
    | "leaseExpiresAt"
    | "attempts"
    | "startedAt"
    | "executionStartedAt"
    | "endedAt"
  >
>;

export interface StateChange {
  runId: string;
  to: RunState;
  /** Narrow the allowed predecessors further (e.g. the state the caller read). Defaults to every allowed one. */
  from?: readonly RunState[];
  /** Only if the run is held by this worker. */
  workerId?: string;
  /** The columns of this change, fixed or computed from the run as it is (locked) when the change is made. */
  columns?: RunColumns | ((run: Run, now: Date) => RunColumns);
  status?: RunStatusMessage;
}

/**
 * Makes one state change inside the transaction `tx`: the guarded UPDATE and the run's `state` event, so the
 * transcript and the run never disagree. Returns null (and writes nothing) when the run is not in an allowed
 * predecessor state, or not held by `workerId`.
 */
export async function applyStateChange(
  tx: Db,
  change: StateChange,
  now = new Date(),
): Promise<{ run: Run; events: RunEvent[] } | null> {
  const from = allowedFrom(change.to, change.from);
  if (from.length === 0) return null;
  let columns = change.columns ?? {};
  if (typeof columns === "function") {
    // Columns that depend on the run (its run time, its usage so far): read it under the row lock.
    await tx.$queryRaw(Prisma.sql`SELECT 1 FROM runs WHERE id = ${change.runId}::uuid FOR UPDATE`);
    const current = await tx.run.findUnique({ where: { id: change.runId } });
    if (!current || !from.includes(current.state)) return null;
    if (change.workerId && current.workerId !== change.workerId) return null;
    columns = columns(current, now);
  }
  const where: Prisma.RunWhereInput = { id: change.runId, state: { in: from } };
  if (change.workerId) where.workerId = change.workerId;
  const [run] = await tx.run.updateManyAndReturn({
    where,
    data: { ...columns, ...(change.status && { statusMessage: change.status }), state: change.to, updatedAt: now },
  });
  if (!run) return null;
  const events = await insertRunEvents(tx, run.id, [stateEvent(change.to, change.status)]);
  return { run, events };
}

/** A state change in a transaction of its own; the state event is announced once it is committed. */
export async function changeRunState(deps: RunEngineDeps, change: StateChange): Promise<Run | null> {
  const result = await inTransaction(deps.db, (tx) => applyStateChange(tx, change));
  if (result) await deps.events.publish(result.run.id, result.events);
  return result?.run ?? null;
}

/**
 * Runs `fn` in one transaction. A `seq` collision with another writer of the run's transcript aborts the
 * whole transaction, so it is tried again (the row lock of the run then orders the writers).
 */
export async function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction((tx) => fn(tx as unknown as Db));
    } catch (err) {
      if (attempt < 5 && isSeqCollision(err)) continue;
      throw err;
    }
  }
}

function stateEvent(state: RunState, status?: RunStatusMessage): NewRunEvent {
  const payload: { state: RunState; message?: string; error_code?: ErrorCode } = { state };
  if (status?.message) payload.message = status.message;
  if (status?.error_code) payload.error_code = status.error_code;
  return { type: "state", payload };
}
