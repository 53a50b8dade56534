import type { Principal } from "@oz/auth";
import type { RunItem } from "@oz/contract";
import { Prisma, type Db } from "@oz/db";
import { notFound } from "@oz/errors";
import { presentRun } from "./present-run.ts";
import { queryRunItems, runItemsQuery, selectRuns } from "./run-item-query.ts";
import { isRunId, visibleRunsSql } from "./visibility.ts";

/** `GET /agent/runs/{runId}`: a malformed, unknown or invisible ID is the same 404. */
export async function getRun(db: Db, principal: Principal, runId: string, publicUrl: string): Promise<RunItem> {
  if (!isRunId(runId)) throw notFound("run", runId);
  const where = Prisma.sql`r.id = CAST(${runId} AS uuid) AND ${visibleRunsSql(principal)}`;
  const [row] = await queryRunItems(db, runItemsQuery(selectRuns(where)), { prepared: true });
  if (!row) throw notFound("run", runId);
  return presentRun(row, publicUrl);
}
