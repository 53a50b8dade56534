import type { Principal } from "@oz/auth";
import { Timestamp, type ListRunsQuery, type RunSortBy, type RunsPage, type SortOrder } from "@oz/contract";
import { Prisma, type Db } from "@oz/db";
import { notFound } from "@oz/errors";
import { cursorFingerprint, decodeCursor, encodeCursor, type CursorPosition } from "./cursor.ts";
import { presentRun } from "./present-run.ts";
import { queryRunItems, runItemsQuery, selectRuns, type RunItemRow } from "./run-item-query.ts";
import { filterConditions, runFiltersOf, type RunFilters } from "./run-filters.ts";
import { isRunId, visibleRunWhere, visibleRunsSql } from "./visibility.ts";

interface SortSpec {
  /** The sorted column; each has a `(team_id, <column>, id)` index. */
  column: Prisma.Sql;
  /** How a cursor's key is given back to SQL. */
  keyParam(key: string): Prisma.Sql;
  keyOf(row: RunItemRow): string | null;
  isValidKey(key: string | null): boolean;
  /** Runs without a value (no skill) sort last in both directions. */
  nullsLast?: boolean;
}

const isTimestamp = (key: string | null) => key !== null && Timestamp.safeParse(key).success;
const timestampParam = (key: string) => Prisma.sql`CAST(${key} AS timestamptz)`;
const textParam = (key: string) => Prisma.sql`CAST(${key} AS text)`;

const SORTS: Record<RunSortBy, SortSpec> = {
  updated_at: {
    column: Prisma.sql`r.updated_at`,
    keyParam: timestampParam,
    keyOf: (row) => row.updated_at.toISOString(),
    isValidKey: isTimestamp,
  },
  created_at: {
    column: Prisma.sql`r.created_at`,
    keyParam: timestampParam,
    keyOf: (row) => row.created_at.toISOString(),
    isValidKey: isTimestamp,
  },
  title: {
    column: Prisma.sql`r.title`,
    keyParam: textParam,
    keyOf: (row) => row.title,
    isValidKey: (key) => key !== null,
  },
  agent: {
    column: Prisma.sql`r.skill_spec`,
    keyParam: textParam,
    keyOf: (row) => row.skill_spec,
    isValidKey: () => true,
    nullsLast: true,
  },
};

/**
 * `GET /agent/runs`: the caller's visible runs, filtered and sorted, one keyset page
 * at a time. The page after a cursor starts right after the cursor's `(sort key, run id)`, found through
 * the index of that sort, so page 1000 costs what page 1 does. One query fetches `limit + 1` runs (the
 * extra one only says whether another page exists) together with their people and artifacts.
 */
export async function listRuns(
  db: Db,
  principal: Principal,
  query: ListRunsQuery,
  publicUrl: string,
): Promise<RunsPage> {
  const filters = runFiltersOf(query);
  const sort = SORTS[query.sort_by];
  const fingerprint = cursorFingerprint({ filters, sort_by: query.sort_by, sort_order: query.sort_order });
  const after = query.cursor ? decodeCursor(query.cursor, fingerprint, sort.isValidKey) : undefined;
  if (filters.ancestorRunId) await assertVisibleRun(db, principal, filters.ancestorRunId);

  const conditions = [visibleRunsSql(principal), ...filterConditions(filters, principal.teamId)];
  if (after) conditions.push(afterPosition(sort, query.sort_order, after));
  const orderBy = orderClause(sort, query.sort_order);
  const page = selectRuns(Prisma.join(conditions, " AND "), Prisma.sql`${orderBy} LIMIT ${query.limit + 1}`);
  const prepared = walksOneIndexWhateverTheValues(filters, query.sort_by);
  const rows = await queryRunItems(db, runItemsQuery(page, orderBy), { prepared });

  const runs = rows.slice(0, query.limit);
  const last = runs.at(-1);
  const hasNextPage = rows.length > query.limit && last !== undefined;
  return {
    runs: runs.map((row) => presentRun(row, publicUrl)),
    page_info: hasNextPage
      ? { has_next_page: true, next_cursor: encodeCursor({ key: sort.keyOf(last), runId: last.id }, fingerprint) }
      : { has_next_page: false },
  };
}

/**
 * Whether the page query's best plan is the same for any values: walk the one index that matches both the
 * filter and the order. True without filters (each sort has a `(team_id, <column>, id)` index) and for one
 * state sorted by `updated_at` (`(team_id, state, updated_at, id)`). Only such queries are prepared: for a
 * prepared statement Postgres may settle on one generic plan, which for a value-dependent filter (a rare
 * creator, a text search, a narrow date range) could be the one that scans the whole team.
 */
function walksOneIndexWhateverTheValues(filters: RunFilters, sortBy: RunSortBy): boolean {
  const { states, ...others } = filters;
  if (Object.values(others).some((value) => value !== undefined)) return false;
  return states === undefined || (states.length === 1 && sortBy === "updated_at");
}

function orderClause(sort: SortSpec, order: SortOrder): Prisma.Sql {
  const direction = order === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const nulls = sort.nullsLast ? Prisma.sql`NULLS LAST` : Prisma.empty;
  return Prisma.sql`ORDER BY ${sort.column} ${direction} ${nulls}, r.id ${direction}`;
}

/** Runs strictly after the cursor in the page order, as one row comparison the sort's index can seek to. */
function afterPosition(sort: SortSpec, order: SortOrder, after: CursorPosition): Prisma.Sql {
  const beyond = order === "asc" ? Prisma.sql`>` : Prisma.sql`<`;
  const runId = Prisma.sql`CAST(${after.runId} AS uuid)`;
  if (after.key === null) {
    // Only runs without a key remain (they sort last), ordered by id.
    return Prisma.sql`(${sort.column} IS NULL AND r.id ${beyond} ${runId})`;
  }
  const position = Prisma.sql`(${sort.column}, r.id) ${beyond} (${sort.keyParam(after.key)}, ${runId})`;
  return sort.nullsLast ? Prisma.sql`(${position} OR ${sort.column} IS NULL)` : position;
}

/** `ancestor_run_id` must name a run the caller can see. */
async function assertVisibleRun(db: Db, principal: Principal, runId: string) {
  const visible = isRunId(runId) && (await db.run.count({ where: visibleRunWhere(principal, runId) })) > 0;
  if (!visible) throw notFound("ancestor_run_id: run", runId);
}
