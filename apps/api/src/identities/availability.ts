import type { Db } from "@oz/db";

/** Cloud agents the team may use besides its default one: the team's own limit, else the platform's. */
export async function teamAgentLimit(db: Pick<Db, "team">, teamId: string, defaultLimit: number): Promise<number> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { agentLimit: true } });
  return team?.agentLimit ?? defaultLimit;
}

/**
 * `available` = enabled ∧ within the team's plan limit. The default agent is always
 * within the limit; other agents count in creation order, so after a downgrade the newest ones become
 * unavailable first.
 */
export async function unavailableAgentIds(db: Db, teamId: string, defaultLimit: number): Promise<Set<string>> {
  const limit = await teamAgentLimit(db, teamId, defaultLimit);
  const agents = await db.agent.findMany({
    where: { teamId, deletedAt: null },
    select: { id: true, isDefault: true, enabled: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const unavailable = new Set<string>();
  let counted = 0;
  for (const agent of agents) {
    if (agent.isDefault) {
      if (!agent.enabled) unavailable.add(agent.id);
      continue;
    }
    counted += 1;
    if (!agent.enabled || counted > limit) unavailable.add(agent.id);
  }
  return unavailable;
}

export async function isAgentAvailable(db: Db, teamId: string, agentId: string, defaultLimit: number) {
  return !(await unavailableAgentIds(db, teamId, defaultLimit)).has(agentId);
}
