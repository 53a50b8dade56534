import { isWorkerHostConnected, publishCancel } from "@oz/queue";
import { HELD_RUN_STATES, STARTED_RUN_STATES } from "@oz/contract/run-states";
import { endRun, markEnqueued, noteWaitingForHost } from "@oz/runs";
import { endLostRuns, type RunSweepDeps } from "./lost-runs.ts";

/** A QUEUED run younger than this is still being enqueued by the API that accepted it. */
const OUTBOX_GRACE_MS = 2_000;
const BATCH = 200;

/**
 * Ends the runs whose worker stopped renewing its lease at least `expiredForMs` ago (the API waits a
 * moment longer than workers, so a live worker's sweeper, which also removes the sandbox, goes first).
 */
export async function endExpiredLeases(deps: RunSweepDeps, now: Date, expiredForMs = 0): Promise<number> {
  const expired = await deps.db.run.findMany({
    where: { state: { in: [...HELD_RUN_STATES] }, leaseExpiresAt: { lt: new Date(now.getTime() - expiredForMs) } },
    take: BATCH,
  });
  for (const run of expired) {
    await endLostRuns(deps, [run], `Worker ${run.workerId ?? "?"} stopped responding (its lease expired)`);
  }
  return expired.length;
}

/** Stops runs whose current execution has run longer than `maxRuntimeMs` (ERROR infrastructure_timeout). */
export async function endOverdueRuns(deps: RunSweepDeps, now: Date, maxRuntimeMs: number): Promise<void> {
  const overdue = await deps.db.run.findMany({
    where: {
      state: { in: [...STARTED_RUN_STATES] },
      // The current execution's start: a follow-up's new execution of an old run gets its full runtime.
      executionStartedAt: { lt: new Date(now.getTime() - maxRuntimeMs) },
    },
    take: BATCH,
  });
  for (const run of overdue) {
    await deps.removeSandboxesOf?.(run.id);
    const ended = await endRun(deps, {
      runId: run.id,
      from: [run.state],
      ending: {
        outcome: "infrastructure_timeout",
        message: `The run exceeded the maximum runtime of ${Math.round(maxRuntimeMs / 1000)} s and was stopped.`,
      },
    });
    if (ended) await publishCancel(deps.redis, deps.queuePrefix, run.id);
  }
}

/**
 * Outbox: a run the API accepted while Redis was down, or whose job Redis lost in a restart, is QUEUED in
 * Postgres with no job. Give it one (jobId = run id, so this never duplicates a job).
 */
export async function reconcileQueuedRuns(deps: RunSweepDeps, now: Date): Promise<void> {
  const queued = await deps.db.run.findMany({
    where: { state: "QUEUED", createdAt: { lt: new Date(now.getTime() - OUTBOX_GRACE_MS) } },
    select: { id: true, workerHost: true, enqueuedAt: true, statusMessage: true },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  for (const run of queued) {
    if (await deps.queues.hasJob(run)) continue;
    await deps.queues.enqueue(run);
    await markEnqueued(deps.db, run.id, now);
  }
  const hosts = new Set(queued.map((r) => r.workerHost).filter((h): h is string => !!h && h !== "warp"));
  for (const host of hosts) {
    const connected = await isWorkerHostConnected(deps.redis, deps.queuePrefix, host);
    if (connected !== false) continue;
    await noteWaitingForHost(deps.db, host);
  }
}
