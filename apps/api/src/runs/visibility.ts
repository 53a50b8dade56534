import type { Principal } from "@oz/auth";
import { Prisma } from "@oz/db";

/**
 * Which runs a principal may see: its team's runs plus, for a human, their own personal
 * runs. Another team's runs never match; invisible runs are reported as not found, never as forbidden.
 */
export function visibleRunsSql(principal: Principal): Prisma.Sql {
  return principal.kind === "user"
    ? Prisma.sql`r.team_id = ${principal.teamId} AND (r.owner_user_id IS NULL OR r.owner_user_id = ${principal.userId})`
    : Prisma.sql`r.team_id = ${principal.teamId} AND r.owner_user_id IS NULL`;
}

/** The same rule as a Prisma `where`, for single-run lookups through the query builder. */
export function visibleRunWhere(principal: Principal, runId: string): Prisma.RunWhereInput {
  const owners: Prisma.RunWhereInput[] = [{ ownerUserId: null }];
  if (principal.kind === "user") owners.push({ ownerUserId: principal.userId });
  return { id: runId, teamId: principal.teamId, OR: owners };
}

/** The same rule for a run already loaded. */
export function isRunVisibleTo(principal: Principal, run: { teamId: string; ownerUserId: string | null }): boolean {
  if (run.teamId !== principal.teamId) return false;
  return run.ownerUserId === null || (principal.kind === "user" && run.ownerUserId === principal.userId);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Run IDs are UUIDs; anything else cannot name a run (and must not reach a `uuid` cast in SQL). */
export const isRunId = (value: string): boolean => UUID.test(value);
