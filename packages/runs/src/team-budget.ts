import { Prisma, type Db } from "@oz/db";
import { ApiError } from "@oz/errors";

/**
 * Team budgets: a monthly limit on a team's spending, where spending is the inference cost the platform records
 * in each run's `request_usage.inference_cost_usd` (the model catalogue's prices), summed over the runs created
 * in the current calendar month, UTC. A run's cost is known once its execution ends; the built-in harness also
 * counts the execution in progress, turn by turn (`budgetExceededMessage`).
 */
export interface TeamSpending {
  /** null: the team has no budget. */
  limitUsd: number | null;
  spentUsd: number;
  periodStart: Date;
  periodEnd: Date;
}

/** The calendar month (UTC) `now` falls in: [start, end). */
export function budgetPeriod(now = new Date()): { start: Date; end: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}

/** The team's limit and what it spent this month, in one statement (the sum rides the runs(team_id, created_at) index). */
export async function teamSpending(db: Db, teamId: string, now = new Date()): Promise<TeamSpending> {
  const { start, end } = budgetPeriod(now);
  const [row] = await db.$queryRaw<{ limit_usd: number | null; spent_usd: number }[]>(Prisma.sql`
    SELECT (SELECT monthly_limit_usd::float8 FROM team_budgets WHERE team_id = ${teamId}) AS limit_usd,
           COALESCE(SUM(CASE WHEN jsonb_typeof(request_usage -> 'inference_cost_usd') = 'number'
                             THEN (request_usage ->> 'inference_cost_usd')::numeric END), 0)::float8 AS spent_usd
      FROM runs
     WHERE team_id = ${teamId} AND created_at >= ${start} AND created_at < ${end}`);
  return { limitUsd: row?.limit_usd ?? null, spentUsd: row?.spent_usd ?? 0, periodStart: start, periodEnd: end };
}

/** The problem title of `budget_exceeded` (it states the limit). */
export function budgetExceededTitle(limitUsd: number): string {
  return `Monthly spending budget of ${formatUsd(limitUsd)} has been reached.`;
}

/**
 * Refuses a new run (403 `budget_exceeded`) once the team has spent its monthly budget. A team without a budget
 * costs one indexed lookup that finds nothing.
 */
export async function assertWithinBudget(db: Db, teamId: string): Promise<void> {
  const budget = await db.teamBudget.findUnique({ where: { teamId }, select: { teamId: true } });
  if (!budget) return;
  const spending = await teamSpending(db, teamId);
  if (spending.limitUsd === null || spending.spentUsd < spending.limitUsd) return;
  throw new ApiError(
    "budget_exceeded",
    `the team has spent ${formatUsd(spending.spentUsd)} since ${spending.periodStart.toISOString().slice(0, 10)} ` +
      "(UTC); a team admin can raise the budget, or runs can start again next month",
    { title: budgetExceededTitle(spending.limitUsd) },
  );
}

/**
 * Whether a running execution that has cost `executionCostUsd` so far (not yet recorded on its run) takes its
 * team to or past its budget: the message to end the run with, else undefined.
 */
export async function budgetExceededMessage(
  db: Db,
  teamId: string,
  executionCostUsd: number,
): Promise<string | undefined> {
  const spending = await teamSpending(db, teamId);
  if (spending.limitUsd === null || spending.spentUsd + executionCostUsd < spending.limitUsd) return undefined;
  return `${budgetExceededTitle(spending.limitUsd)} The agent was stopped before its next model turn.`;
}

/** `$50`, `$12.50`, `$0.0042`: whole dollars without cents, small amounts with the digits that matter. */
export function formatUsd(usd: number): string {
  if (Number.isInteger(usd)) return `$${usd}`;
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2))}`;
}
