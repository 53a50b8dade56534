import type { Principal } from "@oz/auth";
import type { AgentRunParams } from "@oz/contract";
import type { Db, PrincipalKind } from "@oz/db";
import { ApiError, forbidden, invalid, notFound } from "@oz/errors";
import { isAgentAvailable } from "../identities/availability.ts";
import { allInOrder } from "./all-in-order.ts";
import type { AgentDefaults } from "./resolve-config.ts";

export interface PartyRef {
  kind: PrincipalKind;
  id: string;
}

/** Who a new run belongs to, who asked for it and whose identity it runs as. */
export interface RunParties {
  /** Set for personal runs (scope User); null for team runs. */
  ownerUserId: string | null;
  creator: PartyRef;
  executor: PartyRef;
  /** The executing cloud agent's defaults, when an agent executes the run. */
  executorAgent?: AgentDefaults;
}

/**
 * Resolves scope, creator and executor. Costs no query for the common case (a user's own team run);
 * an agent executor or `on_behalf_of` each cost one lookup.
 */
export async function resolveParties(
  db: Db,
  principal: Principal,
  params: AgentRunParams,
  agentLimit: number,
): Promise<RunParties> {
  const team = params.team ?? true;
  if (params.on_behalf_of && (principal.kind !== "service_account" || !principal.onBehalfOfEnabled)) {
    throw forbidden("on_behalf_of needs an agent API key whose cloud agent has on_behalf_of_enabled");
  }
  if (!team && principal.kind === "service_account") {
    throw invalid("team: a cloud agent can only create team-owned runs");
  }
  if (!team && params.agent_identity_uid) {
    throw invalid("agent_identity_uid is only valid for team-owned runs (team: true)");
  }

  const agentId = params.agent_identity_uid ?? (principal.kind === "service_account" ? principal.agentId : undefined);
  const [executorAgent, onBehalfOf] = await allInOrder([
    agentId ? loadAvailableAgent(db, principal.teamId, agentId, agentLimit) : undefined,
    params.on_behalf_of ? findTeamMember(db, principal.teamId, params.on_behalf_of) : undefined,
  ]);

  const caller: PartyRef =
    principal.kind === "user"
      ? { kind: "user", id: principal.userId }
      : { kind: "service_account", id: principal.agentId };
  return {
    ownerUserId: team || principal.kind !== "user" ? null : principal.userId,
    creator: onBehalfOf ? { kind: "user", id: onBehalfOf } : caller,
    executor: agentId ? { kind: "service_account", id: agentId } : caller,
    executorAgent,
  };
}

/** An agent that cannot start runs is refused: unknown → 404, unavailable → 403. */
async function loadAvailableAgent(db: Db, teamId: string, agentId: string, agentLimit: number) {
  const [agent, available] = await Promise.all([
    db.agent.findFirst({ where: { id: agentId, teamId, deletedAt: null } }),
    isAgentAvailable(db, teamId, agentId, agentLimit),
  ]);
  if (!agent) throw notFound("agent identity", agentId);
  if (!available) {
    throw new ApiError(
      "feature_not_available",
      `agent identity ${agentId} is not available (disabled or beyond the team's agent limit)`,
    );
  }
  return agent;
}

/** `on_behalf_of` names a user by UID or email; they must be a member of the run's team (else 400). */
async function findTeamMember(db: Db, teamId: string, userRef: string): Promise<string> {
  const membership = await db.membership.findFirst({
    where: { teamId, user: { OR: [{ id: userRef }, { email: userRef.toLowerCase() }] } },
    select: { userId: true },
  });
  if (!membership) throw invalid(`on_behalf_of: ${userRef} is not a member of this team`);
  return membership.userId;
}
