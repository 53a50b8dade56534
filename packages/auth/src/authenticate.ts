import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";
import { API_KEY_PREFIX, hashApiKey } from "./api-keys.ts";
import type { KeyRecord, PrincipalCache } from "./principal-cache.ts";
import type { Principal } from "./principal.ts";

interface KeyRow {
  key_id: string;
  team_id: string;
  team_name: string;
  expires_at: Date | null;
  last_used_at: Date | null;
  user_id: string | null;
  email: string | null;
  display_name: string | null;
  role: "admin" | "member" | null;
  agent_id: string | null;
  agent_name: string | null;
  on_behalf_of_enabled: boolean | null;
}

/** `last_used_at` is written at most once a minute per key so that hot keys do not turn reads into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

const unauthenticated = (detail: string) => new ApiError("authentication_required", detail);

export interface AuthenticateOptions {
  /** Remembers principals between requests (see principal-cache.ts); absent: every request asks the database. */
  cache?: PrincipalCache;
  now?: Date;
}

/**
 * Resolves a raw bearer token to its principal: from the cache, or in one query. Unknown, revoked and expired
 * keys, keys of a deleted agent and keys of a user who left the team are all 401 `authentication_required`.
 */
export async function authenticateApiKey(
  db: Db,
  raw: string,
  { cache, now = new Date() }: AuthenticateOptions = {},
): Promise<Principal> {
  if (!raw.startsWith(API_KEY_PREFIX)) throw unauthenticated("API keys start with wk-");
  const keyHash = hashApiKey(raw);
  const key = cache ? await cache.resolve(keyHash, () => loadKey(db, keyHash)) : await loadKey(db, keyHash);
  if (!key) throw unauthenticated("the API key is unknown or has been deleted");
  // Checked on every request, cached or not: a key may expire while it is cached.
  if (key.expiresAt && key.expiresAt <= now) throw unauthenticated("the API key has expired");

  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    key.lastUsedAt = now;
    // Bookkeeping only: a failure here must not fail the request.
    void db.$executeRaw`UPDATE api_keys SET last_used_at = ${now} WHERE id = ${key.keyId}`.catch(() => {});
  }
  if (!key.principal) throw unauthenticated("the API key's owner no longer has access to its team");
  return key.principal;
}

/** Prepared (see `createDb`): Postgres would otherwise spend longer planning this join than running it. */
async function loadKey(db: Db, keyHash: string): Promise<KeyRecord | null> {
  const rows = await db.$queryRaw<KeyRow[]>`/* prepared */
    SELECT k.id AS key_id, k.team_id, t.name AS team_name, k.expires_at, k.last_used_at,
           u.id AS user_id, u.email, u.display_name, m.role,
           a.id AS agent_id, a.name AS agent_name, a.on_behalf_of_enabled
      FROM api_keys k
      JOIN teams t ON t.id = k.team_id
      LEFT JOIN users u ON u.id = k.user_id
      LEFT JOIN memberships m ON m.user_id = k.user_id AND m.team_id = k.team_id
      LEFT JOIN agents a ON a.id = k.agent_id AND a.deleted_at IS NULL
     WHERE k.key_hash = ${keyHash} AND k.revoked_at IS NULL`;
  const row = rows[0];
  if (!row) return null;
  return { keyId: row.key_id, expiresAt: row.expires_at, lastUsedAt: row.last_used_at, principal: principalOf(row) };
}

function principalOf(row: KeyRow): Principal | null {
  if (row.user_id && row.role && row.email) {
    return {
      kind: "user",
      userId: row.user_id,
      teamId: row.team_id,
      teamName: row.team_name,
      role: row.role,
      email: row.email,
      displayName: row.display_name ?? row.email,
      apiKeyId: row.key_id,
    };
  }
  if (row.agent_id && row.agent_name) {
    return {
      kind: "service_account",
      agentId: row.agent_id,
      teamId: row.team_id,
      teamName: row.team_name,
      agentName: row.agent_name,
      onBehalfOfEnabled: row.on_behalf_of_enabled ?? false,
      apiKeyId: row.key_id,
    };
  }
  return null;
}
