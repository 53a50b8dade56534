import type { Run } from "@oz/db";
import { Prisma } from "@oz/db";
import {
  applyStateChange,
  changeRunState,
  inTransaction,
  type RunEngineDeps,
  type StateChange,
} from "./state-change.ts";
import { activeTeamRuns } from "./team-capacity.ts";

export interface WorkerHold {
  runId: string;
  workerId: string;
  /** How long the worker's lease lasts from now (it renews it while it works: renewLease). */
  leaseMs: number;
}

const leaseUntil = (leaseMs: number) => new Date(Date.now() + leaseMs);

/**
 * A worker takes a queued run: QUEUED → PENDING with its id, a lease and one more attempt. With a team limit
 * (`teamLimit` > 0) only while the run's team has fewer runs held than that, else `"at_capacity"` and the run
 * stays QUEUED: a per-team advisory lock makes count-then-claim one step, so two workers claiming runs of one
 * team at once cannot both take the last slot. `null`: the run was not QUEUED (cancelled, or another worker has it).
 */
export async function claimRun(
  deps: RunEngineDeps,
  hold: WorkerHold & { teamLimit?: number },
): Promise<Run | "at_capacity" | null> {
  const change: StateChange = {
    runId: hold.runId,
    to: "PENDING",
    from: ["QUEUED"],
    columns: { workerId: hold.workerId, leaseExpiresAt: leaseUntil(hold.leaseMs), attempts: { increment: 1 } },
  };
  const limit = hold.teamLimit ?? 0;
  if (limit <= 0) return changeRunState(deps, change);
  const result = await inTransaction(deps.db, async (tx) => {
    const [run] = await tx.$queryRaw<{ team_id: string }[]>(
      Prisma.sql`SELECT team_id FROM runs WHERE id = ${hold.runId}::uuid AND state = 'QUEUED'`,
    );
    if (!run) return null;
    await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtext(${`oz-team-runs:${run.team_id}`}))`);
    if ((await activeTeamRuns(tx, run.team_id, hold.runId)) >= limit) return "at_capacity" as const;
    return applyStateChange(tx, change);
  });
  if (result === null || result === "at_capacity") return result;
  await deps.events.publish(result.run.id, result.events);
  return result.run;
}

/** The worker has read what the run needs and starts preparing it: PENDING → CLAIMED, lease renewed. */
export function confirmClaim(deps: RunEngineDeps, hold: WorkerHold): Promise<Run | null> {
  return changeRunState(deps, {
    runId: hold.runId,
    to: "CLAIMED",
    workerId: hold.workerId,
    columns: { leaseExpiresAt: leaseUntil(hold.leaseMs) },
  });
}

/**
 * The sandbox is ready and the agent starts: CLAIMED → INPROGRESS. `started_at` keeps the first execution's
 * start; `execution_started_at` is this execution's, which the sweeper's runtime limit times.
 */
export function startExecution(deps: RunEngineDeps, hold: WorkerHold): Promise<Run | null> {
  return changeRunState(deps, {
    runId: hold.runId,
    to: "INPROGRESS",
    workerId: hold.workerId,
    columns: (run, now) => ({
      startedAt: run.startedAt ?? now,
      executionStartedAt: now,
      leaseExpiresAt: leaseUntil(hold.leaseMs),
    }),
  });
}
