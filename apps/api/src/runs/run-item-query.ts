import type { ExecutionLocation, RunSourceType, RunState } from "@oz/contract";
import { Prisma, queryRows, type Db, type PrincipalKind } from "@oz/db";

/** The columns of `runs` a RunItem is made of (never the heavy `attachments`). */
const RUN_ITEM_COLUMNS = Prisma.sql`r.id, r.team_id, r.owner_user_id, r.title, r.prompt, r.state, r.source,
  r.execution_location, r.creator_kind, r.creator_id, r.executor_kind, r.executor_id, r.agent_config,
  r.skill_spec, r.schedule, r.parent_run_id, r.conversation_id, r.session_id, r.metadata, r.status_message,
  r.request_usage, r.is_sandbox_running, r.run_time_ms, r.created_at, r.updated_at, r.started_at, r.agent_skill`;

export interface StoredArtifact {
  id: string;
  type: string;
  data: unknown;
  created_at: string;
}

/** One row of {@link runItemsQuery}: a run plus the names of its creator and executor and its artifacts. */
export interface RunItemRow {
  id: string;
  team_id: string;
  owner_user_id: string | null;
  title: string;
  prompt: string;
  state: RunState;
  source: RunSourceType;
  execution_location: ExecutionLocation;
  creator_kind: PrincipalKind;
  creator_id: string;
  executor_kind: PrincipalKind;
  executor_id: string;
  agent_config: unknown;
  skill_spec: string | null;
  schedule: unknown;
  parent_run_id: string | null;
  conversation_id: string;
  session_id: string | null;
  metadata: unknown;
  status_message: unknown;
  request_usage: unknown;
  is_sandbox_running: boolean;
  /** int8, which pg hands over as text. */
  run_time_ms: string;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  agent_skill: unknown;
  creator_user_name: string | null;
  creator_email: string | null;
  creator_agent_name: string | null;
  executor_user_name: string | null;
  executor_email: string | null;
  executor_agent_name: string | null;
  artifacts: StoredArtifact[];
}

/** `SELECT <RunItem columns> FROM runs r WHERE <where> [ORDER BY … LIMIT …]`: the runs a query is about. */
export function selectRuns(where: Prisma.Sql, orderAndLimit: Prisma.Sql = Prisma.empty): Prisma.Sql {
  return Prisma.sql`SELECT ${RUN_ITEM_COLUMNS} FROM runs r WHERE ${where} ${orderAndLimit}`;
}

/**
 * Decorates an already chosen set of runs (`selectRuns`) with what a RunItem also shows, in the same
 * round trip: creator and executor names (users or agents, deleted agents included, since history stays)
 * and artifacts. Each is a scalar subquery on a primary key or index, run only for the rows of the page, so
 * a page costs the same at any depth. Subqueries rather than joins: ~0.1 ms cheaper per page, prepared or not
 * (less to plan, and faster to run once prepared).
 */
export function runItemsQuery(runs: Prisma.Sql, orderBy: Prisma.Sql = Prisma.empty): Prisma.Sql {
  return Prisma.sql`
    SELECT r.*,
           (SELECT u.display_name FROM users u WHERE r.creator_kind = 'user' AND u.id = r.creator_id) AS creator_user_name,
           (SELECT u.email FROM users u WHERE r.creator_kind = 'user' AND u.id = r.creator_id) AS creator_email,
           (SELECT g.name FROM agents g WHERE r.creator_kind = 'service_account' AND g.id = r.creator_id)
             AS creator_agent_name,
           (SELECT u.display_name FROM users u WHERE r.executor_kind = 'user' AND u.id = r.executor_id)
             AS executor_user_name,
           (SELECT u.email FROM users u WHERE r.executor_kind = 'user' AND u.id = r.executor_id) AS executor_email,
           (SELECT g.name FROM agents g WHERE r.executor_kind = 'service_account' AND g.id = r.executor_id)
             AS executor_agent_name,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'type', a.type, 'data', a.data,
                                                         'created_at', a.created_at)
                                      ORDER BY a.created_at, a.id), '[]'::jsonb)
              FROM artifacts a WHERE a.run_id = r.id) AS artifacts
      FROM (${runs}) r
     ${orderBy}`;
}

/**
 * Runs a `runItemsQuery` through pg rather than Prisma (a page is many rows, which Prisma maps value by
 * value at several times pg's cost). `prepared`: only for statements whose best plan does not depend on the
 * parameters' values, since Postgres may settle on one generic plan for a prepared statement.
 */
export function queryRunItems(db: Db, query: Prisma.Sql, { prepared }: { prepared: boolean }): Promise<RunItemRow[]> {
  return queryRows<RunItemRow>(db, prepared ? Prisma.sql`/* prepared */ ${query}` : query);
}
