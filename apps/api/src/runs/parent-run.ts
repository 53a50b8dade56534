import type { Principal } from "@oz/auth";
import type { Db } from "@oz/db";
import { invalid } from "@oz/errors";
import { visibleRunsSql } from "./visibility.ts";

export interface ParentRun {
  id: string;
  /** Inherited by the child; the child's own keys win. */
  metadata: Record<string, string>;
}

interface ChainRow {
  ancestors: number;
  metadata: unknown;
}

/**
 * Checks an orchestration parent: it must exist and be visible to the caller, and the child must not
 * sit deeper than `maxDepth` (a root run has depth 0, its child 1, …). Both failures are 400.
 */
export async function resolveParentRun(
  db: Db,
  principal: Principal,
  parentRunId: string,
  maxDepth: number,
): Promise<ParentRun> {
  // Walks up from the parent, but never further than needed to know the depth limit is exceeded.
  const chain = await db.$queryRaw<ChainRow[]>`
    WITH RECURSIVE chain AS (
      SELECT r.id, r.parent_run_id, r.metadata, 0 AS ancestors
        FROM runs r
       WHERE r.id = CAST(${parentRunId} AS uuid) AND ${visibleRunsSql(principal)}
      UNION ALL
      SELECT up.id, up.parent_run_id, NULL::jsonb, c.ancestors + 1
        FROM runs up JOIN chain c ON up.id = c.parent_run_id
       WHERE c.ancestors < ${maxDepth}
    )
    SELECT ancestors, metadata FROM chain ORDER BY ancestors`;
  const parent = chain[0];
  if (!parent) throw invalid(`parent_run_id: run ${parentRunId} not found`);
  const childDepth = (chain.at(-1)?.ancestors ?? 0) + 1;
  if (childDepth > maxDepth) {
    throw invalid(
      `parent_run_id: a child of run ${parentRunId} would exceed the maximum orchestration depth of ${maxDepth}`,
    );
  }
  return { id: parentRunId, metadata: stringRecord(parent.metadata) };
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}
