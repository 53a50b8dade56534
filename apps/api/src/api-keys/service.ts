import { expiryDate, generateApiKey, type UserPrincipal } from "@oz/auth";
import type { ApiKeyItem, CreateApiKeyRequest } from "@oz/contract";
import { newUid, type Prisma } from "@oz/db";
import { ApiError, notFound } from "@oz/errors";
import { assertAgentAvailable, findTeamAgent, type AgentStore } from "../identities/service.ts";
import { presentApiKey } from "./presenter.ts";

// Who sees which key: a member sees their own personal keys and the keys of the team's live cloud agents.
// Only team admins create or delete agent keys; personal keys are managed by their owner alone.

const visibleTo = (caller: UserPrincipal): Prisma.ApiKeyWhereInput => ({
  teamId: caller.teamId,
  revokedAt: null,
  OR: [{ userId: caller.userId }, { agentId: { not: null }, agent: { deletedAt: null } }],
});

function assertMayManageAgentKeys(caller: UserPrincipal) {
  if (caller.role !== "admin") throw new ApiError("not_authorized", "only team admins may manage cloud agents' keys");
}

export async function createApiKey(
  store: AgentStore,
  caller: UserPrincipal,
  body: CreateApiKeyRequest,
): Promise<ApiKeyItem & { key: string }> {
  let owner: { userId: string } | { agentId: string } = { userId: caller.userId };
  if (body.agent_uid) {
    assertMayManageAgentKeys(caller);
    const agent = await findTeamAgent(store.db, caller.teamId, body.agent_uid);
    await assertAgentAvailable(store, agent);
    owner = { agentId: agent.id };
  }
  const key = generateApiKey();
  const now = new Date(); // one clock for both, so a 30-day key lasts exactly 30 days from created_at
  const created = await store.db.apiKey.create({
    data: {
      id: newUid(),
      teamId: caller.teamId,
      name: body.name,
      keyHash: key.hash,
      keySuffix: key.suffix,
      createdAt: now,
      expiresAt: expiryDate(body.expires_in, now),
      createdBy: caller.userId,
      ...owner,
    },
  });
  return { ...presentApiKey(created), key: key.raw };
}

export async function listApiKeys(store: AgentStore, caller: UserPrincipal, agentUid?: string): Promise<ApiKeyItem[]> {
  if (agentUid) await findTeamAgent(store.db, caller.teamId, agentUid);
  const keys = await store.db.apiKey.findMany({
    where: { ...visibleTo(caller), ...(agentUid && { agentId: agentUid }) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return keys.map(presentApiKey);
}

/**
 * Revocation takes effect on the key's next request: authentication skips revoked keys, and every API
 * process's principal cache hears of the revocation as it commits (packages/auth/src/principal-cache.ts).
 */
export async function revokeApiKey(store: AgentStore, caller: UserPrincipal, uid: string): Promise<void> {
  const key = await store.db.apiKey.findFirst({ where: { id: uid, ...visibleTo(caller) }, select: { agentId: true } });
  if (!key) throw notFound("API key", uid);
  if (key.agentId) assertMayManageAgentKeys(caller);
  const { count } = await store.db.apiKey.updateMany({
    where: { id: uid, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw notFound("API key", uid);
}
