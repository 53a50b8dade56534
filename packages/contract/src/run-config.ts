import { z } from "zod";
import { CredentialStrategy, HarnessType } from "./enums.ts";

/** An MCP server: exactly one transport selector (`warp_id`, `command` or `url`). */
export const McpServerConfig = z
  .object({
    warp_id: z.string().optional(),
    command: z.string().optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    url: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .refine((s) => [s.warp_id, s.command, s.url].filter((v) => v !== undefined).length === 1, {
    message: "exactly one of warp_id, command or url must be set",
  })
  .meta({ id: "McpServerConfig" });
export type McpServerConfig = z.infer<typeof McpServerConfig>;

export const Harness = z
  .object({
    type: HarnessType.optional(),
    model_id: z.string().optional(),
    reasoning_level: z.string().optional(),
    /** [compat] older clients' spelling of `harness_auth_secrets`. */
    auth_secret_name: z.string().optional(),
    /** Ours: the shell command run by the `command` harness. */
    command: z.string().optional(),
  })
  .meta({ id: "Harness" });
export type Harness = z.infer<typeof Harness>;

export const HarnessAuthSecrets = z
  .object({
    claude_auth_secret_name: z.string().optional(),
    codex_auth_secret_name: z.string().optional(),
    /** Ours: the contract names no secret for the `gemini` harness; this one holds its GEMINI_API_KEY. */
    gemini_auth_secret_name: z.string().optional(),
  })
  .meta({ id: "HarnessAuthSecrets" });

export const InferenceProviders = z
  .object({
    aws: z
      .object({ role_arn: z.string().optional(), region: z.string().optional(), disabled: z.boolean().optional() })
      .optional(),
  })
  .meta({ id: "InferenceProviders" });

export const MemoryStoreRef = z.object({
  uid: z.string(),
  access: z.enum(["read_write", "read_only"]),
  instructions: z.string().min(1),
});

export const SessionSharing = z.object({ public_access: z.enum(["VIEWER", "EDITOR"]).optional() });

/** A run's configuration, used for requests and (resolved) for `RunItem.agent_config`. All members optional. */
export const AmbientAgentConfig = z
  .object({
    name: z.string().optional(),
    base_prompt: z.string().optional(),
    model_id: z.string().optional(),
    environment_id: z.string().optional(),
    skill_spec: z.string().optional(),
    skills: z.array(z.string()).optional(),
    mcp_servers: z.record(z.string(), McpServerConfig).optional(),
    computer_use_enabled: z.boolean().optional(),
    computer_use_model_id: z.string().optional(),
    harness: Harness.optional(),
    harness_auth_secrets: HarnessAuthSecrets.optional(),
    idle_timeout_minutes: z.number().int().min(0).max(60).optional(),
    worker_host: z.string().optional(),
    runner_id: z.string().optional(),
    credential_strategy: CredentialStrategy.nullable().optional(),
    inference_providers: InferenceProviders.optional(),
    memory_stores: z.array(MemoryStoreRef).optional(),
    session_sharing: SessionSharing.optional(),
  })
  .meta({ id: "AmbientAgentConfig" });
export type AmbientAgentConfig = z.infer<typeof AmbientAgentConfig>;
