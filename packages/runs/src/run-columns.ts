import { ACTIVE_RUN_STATES, HELD_RUN_STATES } from "@oz/contract/run-states";
import type { Db, Prisma } from "@oz/db";

// Writes to a run that do not change its state (so no state event), each guarded so that it can never undo a
// state change another actor made meanwhile.

/** The worker still holds the run: its lease runs `leaseMs` from now. False when it no longer holds it. */
export async function renewLease(db: Db, req: { runId: string; workerId: string; leaseMs: number }): Promise<boolean> {
  const { count } = await db.run.updateMany({
    where: { id: req.runId, workerId: req.workerId, state: { in: [...HELD_RUN_STATES] } },
    data: { leaseExpiresAt: new Date(Date.now() + req.leaseMs) },
  });
  return count > 0;
}

/**
 * The execution's sandbox runs since `startedAt` (run_time counts from here). Only while the worker still
 * holds the run and it is claimed or running: a cancel that ended it meanwhile is never undone.
 */
export async function markSandboxRunning(
  db: Db,
  req: { runId: string; workerId: string; startedAt: Date },
): Promise<boolean> {
  const { count } = await db.run.updateMany({
    where: { id: req.runId, workerId: req.workerId, state: { in: [...ACTIVE_RUN_STATES] } },
    data: { isSandboxRunning: true, sandboxStartedAt: req.startedAt },
  });
  return count > 0;
}

/**
 * The worker removed the sandbox of a run it no longer runs (ended elsewhere, or re-queued). Not when the run is
 * claimed or running again: that is a follow-up's next execution, with a sandbox of its own.
 */
export async function markSandboxStopped(db: Db, req: { runId: string; workerId: string }): Promise<void> {
  await db.run.updateMany({
    where: { id: req.runId, workerId: req.workerId, state: { notIn: [...ACTIVE_RUN_STATES] } },
    data: { isSandboxRunning: false },
  });
}

/** The skill the worker loaded for the run (`agent_skill` of a run item). */
export async function recordAgentSkill(
  db: Db,
  req: { runId: string; workerId: string; skill: { full_path: string; name: string; description?: string } },
): Promise<void> {
  await db.run.updateMany({
    where: { id: req.runId, workerId: req.workerId },
    data: { agentSkill: req.skill as Prisma.InputJsonObject },
  });
}

/** The queued run has a queue job now (the outbox pass leaves it alone). */
export async function markEnqueued(db: Db, runId: string, at = new Date()): Promise<void> {
  await db.run.updateMany({ where: { id: runId, state: "QUEUED" }, data: { enqueuedAt: at } });
}

/** Queued runs for a worker host with no worker connected say so (the dashboard shows why they wait). */
export async function noteWaitingForHost(db: Db, workerHost: string): Promise<void> {
  await db.run.updateMany({
    where: { state: "QUEUED", workerHost },
    data: { statusMessage: { message: `Waiting for a worker on host '${workerHost}': none is connected.` } },
  });
}
