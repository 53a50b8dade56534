import { principalString, type UserPrincipal } from "@oz/auth";
import type { TeamBudget } from "@oz/contract";
import type { Db } from "@oz/db";
import { teamSpending } from "@oz/runs";

export async function readTeamBudget(db: Db, teamId: string): Promise<TeamBudget> {
  const spending = await teamSpending(db, teamId);
  return {
    monthly_limit_usd: spending.limitUsd,
    spent_usd: Math.round(spending.spentUsd * 1e6) / 1e6,
    period_start: spending.periodStart.toISOString(),
    period_end: spending.periodEnd.toISOString(),
  };
}

/** Sets (or with null removes) the caller's team's limit; new runs are checked against it at once. */
export async function setTeamBudget(db: Db, admin: UserPrincipal, limitUsd: number | null): Promise<TeamBudget> {
  if (limitUsd === null) {
    await db.teamBudget.deleteMany({ where: { teamId: admin.teamId } });
  } else {
    const values = { monthlyLimitUsd: limitUsd, updatedBy: principalString(admin), updatedAt: new Date() };
    await db.teamBudget.upsert({
      where: { teamId: admin.teamId },
      create: { teamId: admin.teamId, ...values },
      update: values,
    });
  }
  return readTeamBudget(db, admin.teamId);
}
