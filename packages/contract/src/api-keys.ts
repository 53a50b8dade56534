import { z } from "zod";
import { Timestamp } from "./common.ts";

// Ours (the contract names API keys but not their management routes): `/api-keys`.

export const ApiKeyExpiry = z.enum(["1d", "30d", "90d", "never"]);
export type ApiKeyExpiry = z.infer<typeof ApiKeyExpiry>;

export const ApiKeyScope = z.enum(["personal", "agent"]);

export const ApiKeyItem = z
  .object({
    uid: z.string(),
    name: z.string(),
    scope: ApiKeyScope,
    /** The agent a key is bound to (scope `agent`). */
    agent_uid: z.string().optional(),
    /** Masked form, e.g. `wk-**a1b2`. */
    masked_key: z.string(),
    created_at: Timestamp,
    expires_at: Timestamp.nullable(),
    last_used_at: Timestamp.nullable(),
  })
  .meta({ id: "ApiKeyItem" });
export type ApiKeyItem = z.infer<typeof ApiKeyItem>;

export const CreateApiKeyRequest = z
  .object({
    name: z.string().trim().min(1, "name is required").max(100),
    expires_in: ApiKeyExpiry.default("90d"),
    /** Bind the key to this cloud agent; absent → a personal key of the caller. */
    agent_uid: z.string().nullish(),
  })
  .meta({ id: "CreateApiKeyRequest" });
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

export const CreatedApiKey = ApiKeyItem.extend({
  /** The raw key. Shown once; only its hash is stored. */
  key: z.string(),
}).meta({ id: "CreatedApiKey" });

export const ListApiKeysResponse = z.object({ api_keys: z.array(ApiKeyItem) }).meta({ id: "ListApiKeysResponse" });

export const ListApiKeysQuery = z.object({ agent_uid: z.string().optional() });

export const ApiKeyUidParams = z.object({ uid: z.string() });

export const WhoAmI = z
  .object({
    principal: z.string(),
    uid: z.string(),
    type: z.enum(["user", "service_account"]),
    display_name: z.string().optional(),
    email: z.string().optional(),
    team: z.object({ uid: z.string(), name: z.string() }),
    role: z.enum(["admin", "member"]).optional(),
  })
  .meta({ id: "WhoAmI" });
export type WhoAmI = z.infer<typeof WhoAmI>;
