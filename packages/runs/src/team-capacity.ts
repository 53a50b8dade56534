import { Prisma, type Db, type Run } from "@oz/db";
import { moveRun, type MoveRunDeps } from "./move-run.ts";
import type { TransitionRequest } from "./state-machine.ts";

/** The states that hold one of the team's slots: a worker has the run, from claim to end. */
const ACTIVE_STATES = ["PENDING", "CLAIMED", "INPROGRESS", "BLOCKED"] as const;

/** Runs of the team in progress now (one indexed count: runs(team_id, state, …)). */
export async function activeTeamRuns(db: Db, teamId: string, exceptRunId?: string): Promise<number> {
  const except = exceptRunId === undefined ? Prisma.empty : Prisma.sql`AND id <> ${exceptRunId}::uuid`;
  const [row] = await db.$queryRaw<{ n: number }[]>(Prisma.sql`
    SELECT count(*)::int AS n FROM runs
    WHERE team_id = ${teamId} AND state::text IN (${Prisma.join([...ACTIVE_STATES])}) ${except}`);
  return row?.n ?? 0;
}

/** Is the team at its limit of runs in progress (`limit` 0: never)? */
export async function teamAtCapacity(db: Db, teamId: string, limit: number): Promise<boolean> {
  return limit > 0 && (await activeTeamRuns(db, teamId)) >= limit;
}

/**
 * QUEUED → PENDING, but only while the run's team has fewer than `limit` runs in progress; otherwise
 * `"at_capacity"` and the run stays QUEUED. A per-team advisory lock makes count-then-claim one step, so two
 * workers claiming runs of one team at once cannot both take the last slot. `null`: the run was not QUEUED.
 */
export async function claimWithinTeamLimit(
  deps: MoveRunDeps,
  req: TransitionRequest,
  limit: number,
): Promise<Run | "at_capacity" | null> {
  if (limit <= 0) return moveRun(deps, req);
  return deps.db.$transaction(async (tx) => {
    const db = tx as unknown as Db;
    const [run] = await db.$queryRaw<{ team_id: string }[]>(
      Prisma.sql`SELECT team_id FROM runs WHERE id = ${req.runId} AND state = 'QUEUED'`,
    );
    if (!run) return null;
    await db.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtext(${`oz-team-runs:${run.team_id}`}))`);
    if ((await activeTeamRuns(db, run.team_id, req.runId)) >= limit) return "at_capacity";
    return moveRun({ ...deps, db }, req);
  });
}
