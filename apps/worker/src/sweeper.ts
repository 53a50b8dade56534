import { isWorkerHostConnected, publishCancel, RUN_JOB_ATTEMPTS, type RunQueues } from "@oz/queue";
import { moveRun, statusMessage } from "@oz/runs";
import type { Run } from "@oz/db";
import type { Redis } from "ioredis";
import type { WorkerDeps } from "./deps.ts";

export interface SweepDeps extends Pick<WorkerDeps, "db" | "events" | "sandboxes" | "settings" | "log"> {
  queues: RunQueues;
  /** For cancel messages and worker-host presence; may be down. */
  redis: Redis;
}

const HELD = ["PENDING", "CLAIMED", "INPROGRESS", "BLOCKED"] as const;
const TERMINAL = new Set(["SUCCEEDED", "FAILED", "ERROR", "CANCELLED"]);
/** A QUEUED run younger than this is still being enqueued by the API that accepted it. */
const OUTBOX_GRACE_MS = 2_000;

/**
 * Ends (or, before the agent started, retries) runs whose worker is gone. A run that reached INPROGRESS is
 * never re-executed silently (DESIGN §3.4): it ends in ERROR with a message saying what happened.
 */
export async function endLostRuns(deps: SweepDeps, runs: Run[], why: string): Promise<void> {
  for (const run of runs) {
    // Sandbox first: a run that reads as ended (or re-queued) never still has a container.
    await removeSandboxesOf(deps, run.id);
    const started = run.state === "INPROGRESS" || run.state === "BLOCKED";
    if (!started && run.attempts < RUN_JOB_ATTEMPTS) {
      const requeued = await moveRun(deps, {
        runId: run.id,
        to: "QUEUED",
        from: [run.state],
        status: { message: `${why} before the run started; it has been queued again.` },
        patch: { workerId: null, leaseExpiresAt: null, isSandboxRunning: false },
      });
      if (requeued) await deps.queues.enqueue(requeued).catch(() => {});
    } else {
      await moveRun(deps, {
        runId: run.id,
        to: "ERROR",
        from: [run.state],
        status: started
          ? statusMessage(
              `${why} while the agent was running; its work was lost. Start a new run.`,
              "agent_process_failed",
            )
          : statusMessage(
              `${why}; the run could not be started after ${run.attempts} attempts.`,
              "resource_unavailable",
            ),
        patch: { endedAt: new Date(), isSandboxRunning: false, leaseExpiresAt: null },
      });
    }
  }
}

async function removeSandboxesOf(deps: SweepDeps, runId: string) {
  for (const sandbox of await deps.sandboxes.list({ runId }).catch(() => [])) {
    await deps.sandboxes.remove(sandbox.id).catch(() => {});
  }
}

/** Ends (or re-queues) every run this worker id holds, for the reason `why`: see endLostRuns. */
export async function endRunsHeldHere(deps: SweepDeps, why: string): Promise<number> {
  const held = await deps.db.run.findMany({ where: { workerId: deps.settings.workerId, state: { in: [...HELD] } } });
  await endLostRuns(deps, held, why);
  return held.length;
}

/** A freshly started worker runs nothing: whatever its previous life held is lost, and its sandboxes go. */
export async function recoverAfterRestart(deps: SweepDeps): Promise<void> {
  await endRunsHeldHere(deps, `Worker ${deps.settings.workerId} restarted`);
  const removed = await deps.sandboxes.reapOrphans(deps.settings.workerId, new Set());
  if (removed.length > 0) deps.log.info({ removed }, "removed sandboxes left by this worker's previous life");
}

/** One pass of the sweeper (a BullMQ job scheduler fires it; any one worker runs each pass). */
export async function sweep(deps: SweepDeps): Promise<void> {
  const now = new Date();

  const expired = await deps.db.run.findMany({
    where: { state: { in: [...HELD] }, leaseExpiresAt: { lt: now } },
    take: 200,
  });
  for (const run of expired) {
    await endLostRuns(deps, [run], `Worker ${run.workerId ?? "?"} stopped responding (its lease expired)`);
  }

  const overdue = await deps.db.run.findMany({
    where: {
      state: { in: ["INPROGRESS", "BLOCKED"] },
      // The current execution's start: a follow-up's new execution of an old run gets its full runtime.
      executionStartedAt: { lt: new Date(now.getTime() - deps.settings.maxRuntimeMs) },
    },
    take: 200,
  });
  for (const run of overdue) {
    await removeSandboxesOf(deps, run.id);
    const ended = await moveRun(deps, {
      runId: run.id,
      to: "ERROR",
      from: [run.state],
      status: statusMessage(
        `The run exceeded the maximum runtime of ${Math.round(deps.settings.maxRuntimeMs / 1000)} s and was stopped.`,
        "infrastructure_timeout",
      ),
      patch: { endedAt: now, isSandboxRunning: false, leaseExpiresAt: null },
    });
    if (ended) await publishCancel(deps.redis, run.id);
  }

  await reconcileQueuedRuns(deps, now);
  await reapFinishedSandboxes(deps);
}

/**
 * Outbox: a run the API accepted while Redis was down, or whose job Redis lost in a restart, is QUEUED in
 * Postgres with no job. Give it one (jobId = run id, so this never duplicates a job).
 */
async function reconcileQueuedRuns(deps: SweepDeps, now: Date) {
  const queued = await deps.db.run.findMany({
    where: { state: "QUEUED", createdAt: { lt: new Date(now.getTime() - OUTBOX_GRACE_MS) } },
    select: { id: true, workerHost: true, enqueuedAt: true, statusMessage: true },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  for (const run of queued) {
    if (await deps.queues.hasJob(run)) continue;
    await deps.queues.enqueue(run);
    await deps.db.run.updateMany({ where: { id: run.id, state: "QUEUED" }, data: { enqueuedAt: now } });
  }
  const hosts = new Set(queued.map((r) => r.workerHost).filter((h): h is string => !!h && h !== "warp"));
  for (const host of hosts) {
    const connected = await isWorkerHostConnected(deps.redis, deps.settings.queuePrefix, host);
    if (connected !== false) continue;
    await deps.db.run.updateMany({
      where: { state: "QUEUED", workerHost: host },
      data: { statusMessage: { message: `Waiting for a worker on host '${host}': none is connected.` } },
    });
  }
}

/**
 * Sandboxes on this Docker host whose run has ended are removed (e.g. their worker died mid-cleanup); so are
 * this worker's sandboxes whose run is unknown. Another worker's sandbox for a run we cannot see may belong
 * to another deployment sharing the Docker host, so it is left alone.
 */
async function reapFinishedSandboxes(deps: SweepDeps) {
  const sandboxes = await deps.sandboxes.list().catch(() => []);
  if (sandboxes.length === 0) return;
  const runs = await deps.db.run.findMany({
    where: { id: { in: sandboxes.map((s) => s.runId).filter((id) => /^[0-9a-f-]{36}$/i.test(id)) } },
    select: { id: true, state: true },
  });
  const states = new Map(runs.map((r) => [r.id, r.state]));
  for (const sandbox of sandboxes) {
    const state = states.get(sandbox.runId);
    const orphan = state === undefined ? sandbox.workerId === deps.settings.workerId : TERMINAL.has(state);
    if (orphan) await deps.sandboxes.remove(sandbox.id).catch(() => {});
  }
}
