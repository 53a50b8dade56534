import { maskKey } from "@oz/auth";
import type { ApiKeyItem } from "@oz/contract";
import type { ApiKey } from "@oz/db";

/** A key as users see it: never its hash, never the raw key (that is shown once, at creation). */
export function presentApiKey(key: ApiKey): ApiKeyItem {
  return {
    uid: key.id,
    name: key.name,
    scope: key.agentId ? "agent" : "personal",
    ...(key.agentId && { agent_uid: key.agentId }),
    masked_key: maskKey(key.keySuffix),
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
  };
}
