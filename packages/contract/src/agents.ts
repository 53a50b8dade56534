import { z } from "zod";
import { Timestamp } from "./common.ts";
import { AgentType, CredentialStrategy } from "./enums.ts";
import { Harness, HarnessAuthSecrets, InferenceProviders, McpServerConfig, MemoryStoreRef } from "./run-config.ts";

// Cloud agents ("agent identities", service accounts).

export const AgentMemory = z.object({
  attached_stores: z.array(MemoryStoreRef),
  auto_memory: z.object({ enabled: z.boolean() }),
});
export type AgentMemory = z.infer<typeof AgentMemory>;

export const AgentResponse = z
  .object({
    uid: z.string(),
    name: z.string(),
    available: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
    default_runner_uid: z.string(),
    skills: z.array(z.string()),
    secrets: z.array(z.object({ name: z.string() })),
    memory: AgentMemory,
    description: z.string().nullable().optional(),
    prompt: z.string().nullable().optional(),
    agent_type: AgentType.nullable().optional(),
    factory_uid: z.string().nullable().optional(),
    base_model: z.string().optional(),
    base_harness: z.string().optional(),
    harness: Harness.optional(),
    harness_auth_secrets: HarnessAuthSecrets.optional(),
    inference_providers: InferenceProviders.optional(),
    mcp_servers: z.record(z.string(), McpServerConfig).optional(),
    environment_id: z.string().optional(),
    worker_host: z.string().optional(),
    credential_strategy: CredentialStrategy.optional(),
    on_behalf_of_enabled: z.boolean().optional(),
    /** Ours: the team's default agent, which cannot be deleted. */
    is_default: z.boolean().optional(),
  })
  .meta({ id: "AgentResponse" });
export type AgentResponse = z.infer<typeof AgentResponse>;

/** Rejects a list in which two items share a key; the issue points at the second occurrence's field. */
const uniqueBy =
  <T>(field: string, key: (t: T) => string, what: string) =>
  (items: T[] | null | undefined, ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    (items ?? []).forEach((item, index) => {
      const k = key(item);
      if (seen.has(k)) ctx.addIssue({ code: "custom", path: [index, field], message: `duplicate ${what} '${k}'` });
      seen.add(k);
    });
  };

const AgentSecrets = z
  .array(z.object({ name: z.string().trim().min(1, "secret name is required") }))
  .superRefine(uniqueBy("name", (s) => s.name, "secret name"));

const AttachedStores = z.array(MemoryStoreRef).superRefine(uniqueBy("uid", (s) => s.uid, "memory store"));

/** Members shared by create and update; on update `""`, `[]` and `{}` clear a member. */
const agentFields = {
  description: z.string().max(2000, "description may be at most 2000 characters").nullish(),
  prompt: z.string().nullish(),
  base_model: z.string().nullish(),
  base_harness: z.string().nullish(),
  harness: Harness.nullish(),
  harness_auth_secrets: HarnessAuthSecrets.nullish(),
  inference_providers: InferenceProviders.nullish(),
  default_runner_uid: z.string().nullish(),
  environment_id: z.string().nullish(),
  mcp_servers: z.record(z.string(), McpServerConfig).nullish(),
  on_behalf_of_enabled: z.boolean().nullish(),
  secrets: AgentSecrets.nullish(),
  skills: z.array(z.string().trim().min(1, "skill specs must not be empty")).nullish(),
  worker_host: z.string().nullish(),
};

const harnessWithoutModel = (a: { harness?: { type?: string } | null; base_model?: string | null }) =>
  !(a.harness?.type && a.harness.type !== "oz" && a.base_model);
const harnessRule = { message: "base_model must be empty when harness.type is not oz", path: ["base_model"] };

export const CreateAgentRequest = z
  .object({
    name: z.string().trim().min(1, "name is required").max(100, "name may be at most 100 characters"),
    factory_uid: z.string().nullish(),
    agent_type: AgentType.nullish(),
    credential_strategy: CredentialStrategy.nullish(),
    memory: z
      .object({
        attached_stores: AttachedStores.nullish(),
        auto_memory: z.object({ enabled: z.boolean().nullish() }).nullish(),
      })
      .nullish(),
    ...agentFields,
  })
  .refine(harnessWithoutModel, harnessRule)
  .meta({ id: "CreateAgentRequest" });
export type CreateAgentRequest = z.infer<typeof CreateAgentRequest>;

/** Partial update: omitted or null keeps, an empty value clears, anything else replaces. */
export const UpdateAgentRequest = z
  .object({
    name: z.string().trim().min(1, "name cannot be empty").max(100, "name may be at most 100 characters").nullish(),
    /** `""` clears the enum members too. */
    agent_type: z.union([AgentType, z.literal("")]).nullish(),
    credential_strategy: z.union([CredentialStrategy, z.literal("")]).nullish(),
    memory: z.object({ attached_stores: AttachedStores.nullish() }).nullish(),
    ...agentFields,
  })
  .refine(harnessWithoutModel, harnessRule)
  .meta({ id: "UpdateAgentRequest" });
export type UpdateAgentRequest = z.infer<typeof UpdateAgentRequest>;

export const ListAgentIdentitiesResponse = z
  .object({ agents: z.array(AgentResponse) })
  .meta({ id: "ListAgentIdentitiesResponse" });

export const ListAgentIdentitiesQuery = z.object({
  /** Only agents seeded for this factory. */
  factory_uid: z.string().optional(),
});

export const AgentUidParams = z.object({ uid: z.string() });

/** 204 responses (identity and API key deletion): no body at all. */
export const NoContentResponse = z.null().describe("No content");
