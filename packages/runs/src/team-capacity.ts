import { HELD_RUN_STATES } from "@oz/contract/run-states";
import { Prisma, type Db } from "@oz/db";

/**
 * Runs of the team a worker holds now, each one of its slots. One indexed count on runs(team_id, state, …): the
 * states are compared as the enum, so the index serves them (as text, every run the team ever had is read).
 */
export async function activeTeamRuns(db: Db, teamId: string, exceptRunId?: string): Promise<number> {
  const except = exceptRunId === undefined ? Prisma.empty : Prisma.sql`AND id <> ${exceptRunId}::uuid`;
  const [row] = await db.$queryRaw<{ n: number }[]>(Prisma.sql`
    SELECT count(*)::int AS n FROM runs
    WHERE team_id = ${teamId} AND state = ANY(CAST(${[...HELD_RUN_STATES]} AS "RunState"[])) ${except}`);
  return row?.n ?? 0;
}

/** Is the team at its limit of runs in progress (`limit` 0: never)? */
export async function teamAtCapacity(db: Db, teamId: string, limit: number): Promise<boolean> {
  return limit > 0 && (await activeTeamRuns(db, teamId)) >= limit;
}
