import type { UserPrincipal } from "@oz/auth";
import type { AgentResponse, CreateAgentRequest, UpdateAgentRequest } from "@oz/contract";
import { newUid, type Agent, type Db } from "@oz/db";
import { ApiError, notFound } from "@oz/errors";
import { agentColumns, effective } from "./agent-columns.ts";
import { teamAgentLimit, unavailableAgentIds } from "./availability.ts";
import { presentAgent, storedMemory } from "./presenter.ts";
import { assertHarnessAllowsModel, assertMayChangeOnBehalfOf, assertTeamEnvironment } from "./validation.ts";

/** What the cloud-agent service needs: the database and the platform's default agent limit. */
export interface AgentStore {
  db: Db;
  agentLimit: number;
}

/** A live (not deleted) agent of the team; anything else, including another team's agent, is a 404. */
export async function findTeamAgent(db: Db, teamId: string, uid: string): Promise<Agent> {
  const agent = await db.agent.findFirst({ where: { id: uid, teamId, deletedAt: null } });
  if (!agent) throw notFound("agent", uid);
  return agent;
}

/** Over-limit and disabled agents are listed but cannot be edited, get keys or run. */
export async function assertAgentAvailable({ db, agentLimit }: AgentStore, agent: Agent) {
  const unavailable = await unavailableAgentIds(db, agent.teamId, agentLimit);
  if (!unavailable.has(agent.id)) return;
  const why = agent.enabled
    ? `it is beyond the team's limit of ${await teamAgentLimit(db, agent.teamId, agentLimit)} cloud agents`
    : "it is disabled";
  throw new ApiError("feature_not_available", `agent ${agent.id} is not available: ${why}`);
}

export async function listAgents(store: AgentStore, teamId: string, factoryUid?: string): Promise<AgentResponse[]> {
  const [agents, unavailable] = await Promise.all([
    store.db.agent.findMany({
      where: { teamId, deletedAt: null, ...(factoryUid !== undefined && { factoryUid }) },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    unavailableAgentIds(store.db, teamId, store.agentLimit),
  ]);
  return agents.map((agent) => presentAgent(agent, !unavailable.has(agent.id)));
}

export async function getAgent(store: AgentStore, teamId: string, uid: string): Promise<AgentResponse> {
  const agent = await findTeamAgent(store.db, teamId, uid);
  return present(store, agent);
}

export async function createAgent(
  store: AgentStore,
  caller: UserPrincipal,
  body: CreateAgentRequest,
): Promise<AgentResponse> {
  const columns = agentColumns(body);
  if (columns.onBehalfOfEnabled) assertMayChangeOnBehalfOf(caller);
  await assertTeamEnvironment(store.db, caller.teamId, columns.environmentId);
  const memory = storedMemory({
    attached_stores: body.memory?.attached_stores ?? [],
    auto_memory: { enabled: body.memory?.auto_memory?.enabled ?? true },
  });

  const agent = await store.db.$transaction(async (tx) => {
    // Serialise creations per team so two concurrent requests cannot both take the last free place.
    await tx.$queryRaw`SELECT id FROM teams WHERE id = ${caller.teamId} FOR UPDATE`;
    const limit = await teamAgentLimit(tx, caller.teamId, store.agentLimit);
    const used = await tx.agent.count({ where: { teamId: caller.teamId, deletedAt: null, isDefault: false } });
    if (used >= limit) {
      throw new ApiError(
        "feature_not_available",
        `the team may have at most ${limit} cloud agents besides its default agent; delete one first`,
      );
    }
    return tx.agent.create({
      data: {
        ...columns,
        id: newUid(),
        teamId: caller.teamId,
        name: body.name,
        factoryUid: body.factory_uid || null,
        memory,
      },
    });
  });
  return presentAgent(agent, true);
}

export async function updateAgent(
  store: AgentStore,
  caller: UserPrincipal,
  uid: string,
  body: UpdateAgentRequest,
): Promise<AgentResponse> {
  const agent = await findTeamAgent(store.db, caller.teamId, uid);
  await assertAgentAvailable(store, agent);

  const columns = agentColumns(body);
  if (columns.onBehalfOfEnabled !== undefined && columns.onBehalfOfEnabled !== agent.onBehalfOfEnabled) {
    assertMayChangeOnBehalfOf(caller);
  }
  await assertTeamEnvironment(store.db, caller.teamId, columns.environmentId);
  assertHarnessAllowsModel(effective(columns.harness, agent.harness), effective(columns.baseModel, agent.baseModel));
  const attachedStores = body.memory?.attached_stores;
  const memory = attachedStores ? { ...storedMemory(agent.memory), attached_stores: attachedStores } : undefined;

  // Guarded on deleted_at so an update racing a delete cannot resurrect the agent.
  const { count } = await store.db.agent.updateMany({
    where: { id: agent.id, deletedAt: null },
    data: { ...columns, name: body.name ?? undefined, memory, updatedAt: new Date() },
  });
  if (count === 0) throw notFound("agent", uid);
  return getAgent(store, caller.teamId, uid);
}

/**
 * Soft delete: the agent disappears from list/get while the runs it executed keep
 * pointing at it, and every key bound to it is revoked in the same transaction.
 */
export async function deleteAgent(store: AgentStore, caller: UserPrincipal, uid: string): Promise<void> {
  await store.db.$transaction(async (tx) => {
    const agent = await tx.agent.findFirst({
      where: { id: uid, teamId: caller.teamId, deletedAt: null },
      select: { id: true, isDefault: true },
    });
    if (!agent) throw notFound("agent", uid);
    if (agent.isDefault) {
      throw new ApiError("operation_not_supported", `agent ${uid} is the team's default agent and cannot be deleted`);
    }
    const now = new Date();
    const { count } = await tx.agent.updateMany({
      where: { id: agent.id, deletedAt: null },
      data: { deletedAt: now, updatedAt: now },
    });
    if (count === 0) throw notFound("agent", uid);
    await tx.apiKey.updateMany({ where: { agentId: agent.id, revokedAt: null }, data: { revokedAt: now } });
  });
}

async function present(store: AgentStore, agent: Agent) {
  const unavailable = await unavailableAgentIds(store.db, agent.teamId, store.agentLimit);
  return presentAgent(agent, !unavailable.has(agent.id));
}
