import type { CloudEnvironment, RunState } from "@oz/contract";
import type { Db } from "@oz/db";

export type TaskActivity = Pick<CloudEnvironment, "last_task_created" | "last_task_run_timestamp">;

interface LastTaskRow {
  environment_id: string;
  id: string;
  title: string;
  state: RunState;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  last_started_at: Date | null;
}

/**
 * The most recently created run and the latest run start per environment. Personal runs
 * count only for their owner, so a listing never reveals another member's private run.
 */
export async function taskActivity(
  db: Db,
  teamId: string,
  environmentIds: string[],
  viewerUserId: string | null,
): Promise<Map<string, TaskActivity>> {
  if (environmentIds.length === 0) return new Map();
  const rows = await db.$queryRaw<LastTaskRow[]>`
    WITH visible AS (
      SELECT * FROM runs
       WHERE team_id = ${teamId} AND environment_id = ANY(${environmentIds}::text[])
         AND (owner_user_id IS NULL OR owner_user_id = ${viewerUserId})
    )
    SELECT DISTINCT ON (v.environment_id)
           v.environment_id, v.id::text AS id, v.title, v.state::text AS state,
           v.created_at, v.updated_at, v.started_at,
           (SELECT max(s.started_at) FROM visible s WHERE s.environment_id = v.environment_id) AS last_started_at
      FROM visible v
     ORDER BY v.environment_id, v.created_at DESC, v.id DESC`;
  return new Map(
    rows.map((r) => [
      r.environment_id,
      {
        last_task_created: {
          id: r.id,
          title: r.title,
          state: r.state,
          created_at: r.created_at.toISOString(),
          updated_at: r.updated_at.toISOString(),
          started_at: r.started_at?.toISOString() ?? null,
        },
        last_task_run_timestamp: r.last_started_at?.toISOString() ?? null,
      },
    ]),
  );
}
