import { z } from "zod";
import { Timestamp } from "./common.ts";
import { AgentType, CredentialStrategy } from "./enums.ts";
import { Harness, HarnessAuthSecrets, InferenceProviders, McpServerConfig, MemoryStoreRef } from "./run-config.ts";

// Contract §3.10: cloud agents ("agent identities", service accounts).

export const AgentMemory = z.object({
  attached_stores: z.array(MemoryStoreRef),
  auto_memory: z.object({ enabled: z.boolean() }),
});

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

const uniqueBy =
  <T>(key: (t: T) => string, what: string) =>
  (items: T[] | null | undefined, ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    for (const item of items ?? []) {
      const k = key(item);
      if (seen.has(k)) ctx.addIssue({ code: "custom", message: `duplicate ${what} '${k}'` });
      seen.add(k);
    }
  };

const agentFields = {
  description: z.string().max(2000).nullish(),
  prompt: z.string().nullish(),
  agent_type: AgentType.nullish(),
  base_model: z.string().nullish(),
  base_harness: z.string().nullish(),
  harness: Harness.nullish(),
  harness_auth_secrets: HarnessAuthSecrets.nullish(),
  inference_providers: InferenceProviders.nullish(),
  credential_strategy: CredentialStrategy.nullish(),
  default_runner_uid: z.string().nullish(),
  environment_id: z.string().nullish(),
  mcp_servers: z.record(z.string(), McpServerConfig).nullish(),
  on_behalf_of_enabled: z.boolean().nullish(),
  secrets: z
    .array(z.object({ name: z.string().min(1) }))
    .superRefine(uniqueBy((s) => s.name, "secret name"))
    .nullish(),
  skills: z.array(z.string().min(1)).nullish(),
  worker_host: z.string().nullish(),
};

const harnessWithoutModel = (a: { harness?: { type?: string } | null; base_model?: string | null }) =>
  !(a.harness?.type && a.harness.type !== "oz" && a.base_model);
const harnessRule = { message: "base_model must be empty when harness.type is not oz", path: ["base_model"] };

export const CreateAgentRequest = z
  .object({
    name: z.string().trim().min(1, "name is required").max(100),
    factory_uid: z.string().nullish(),
    memory: z
      .object({
        attached_stores: z
          .array(MemoryStoreRef)
          .superRefine(uniqueBy((s) => s.uid, "memory store"))
          .optional(),
        auto_memory: z.object({ enabled: z.boolean().optional() }).optional(),
      })
      .nullish(),
    ...agentFields,
  })
  .refine(harnessWithoutModel, harnessRule)
  .meta({ id: "CreateAgentRequest" });
export type CreateAgentRequest = z.infer<typeof CreateAgentRequest>;

/** Partial update: omitted or null keeps, an empty value clears, anything else replaces (contract §2.11.2). */
export const UpdateAgentRequest = z
  .object({
    name: z.string().trim().max(100).nullish(),
    memory: z
      .object({
        attached_stores: z
          .array(MemoryStoreRef)
          .superRefine(uniqueBy((s) => s.uid, "memory store"))
          .nullish(),
      })
      .nullish(),
    ...agentFields,
  })
  .refine(harnessWithoutModel, harnessRule)
  .meta({ id: "UpdateAgentRequest" });
export type UpdateAgentRequest = z.infer<typeof UpdateAgentRequest>;

export const ListAgentIdentitiesResponse = z
  .object({ agents: z.array(AgentResponse) })
  .meta({ id: "ListAgentIdentitiesResponse" });

export const AgentUidParams = z.object({ uid: z.string() });
