import { z } from "zod";
import { Scope, Timestamp, UserProfile } from "./common.ts";
import { ArtifactType, ErrorCode, ExecutionLocation, QueryMode, RunSourceType, RunState } from "./enums.ts";
import { AmbientAgentConfig } from "./run-config.ts";

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** Run metadata: ≤ 20 keys; keys 1–64 bytes of [a-zA-Z0-9._-]; values ≤ 256 bytes UTF-8 without NUL. */
export const RunMetadata = z
  .record(
    z
      .string()
      .regex(/^[a-zA-Z0-9._-]+$/, "metadata keys may only contain letters, digits, '.', '_' and '-'")
      .refine((k) => utf8Bytes(k) >= 1 && utf8Bytes(k) <= 64, "metadata keys must be 1–64 bytes"),
    z
      .string()
      .refine((v) => utf8Bytes(v) <= 256, "metadata values must be at most 256 bytes")
      .refine((v) => !v.includes("\u0000"), "metadata values must not contain NUL"),
  )
  .refine((m) => Object.keys(m).length <= 20, "metadata may have at most 20 keys");
export type RunMetadata = z.infer<typeof RunMetadata>;

const base64 = z.base64("must be base64");

export const Attachment = z.object({
  data: base64,
  file_name: z.string().min(1),
  mime_type: z.string().min(1),
});
export type Attachment = z.infer<typeof Attachment>;

/** [compat] α8 `images`. */
export const LegacyImage = z.object({
  data: base64,
  mime_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]),
});

/** `AgentRunParams`: body of `POST /agent/runs` and `POST /agent/run`. `null` means absent. */
export const AgentRunParams = z
  .object({
    prompt: z.string().nullish(),
    skill: z.string().nullish(),
    config: AmbientAgentConfig.nullish(),
    title: z.string().max(300).nullish(),
    team: z.boolean().nullish(),
    conversation_id: z.uuid().nullish(),
    attachments: z.array(Attachment).max(5, "at most 5 attachments").nullish(),
    images: z.array(LegacyImage).max(5, "at most 5 images").nullish(),
    interactive: z.boolean().nullish(),
    mode: QueryMode.nullish(),
    metadata: RunMetadata.nullish(),
    parent_run_id: z.uuid().nullish(),
    agent_identity_uid: z.string().nullish(),
    on_behalf_of: z.string().nullish(),
  })
  .meta({ id: "AgentRunParams" });
export type AgentRunParams = z.infer<typeof AgentRunParams>;

export const AgentRunResponse = z
  .object({
    run_id: z.string(),
    task_id: z.string(),
    state: RunState,
    at_capacity: z.boolean().optional(),
  })
  .meta({ id: "AgentRunResponse" });
export type AgentRunResponse = z.infer<typeof AgentRunResponse>;

export const RunStatusMessage = z
  .object({
    message: z.string(),
    error_code: ErrorCode.optional(),
    retryable: z.boolean().optional(),
    session_debug_until: Timestamp.optional(),
  })
  .meta({ id: "RunStatusMessage" });
export type RunStatusMessage = z.infer<typeof RunStatusMessage>;

export const CostBreakdownUsd = z.object({
  input_cost_usd: z.number(),
  input_cache_read_cost_usd: z.number(),
  input_cache_write_cost_usd: z.number(),
  output_cost_usd: z.number(),
});

export const RequestUsage = z
  .object({
    compute_cost: z.number().optional(),
    compute_cost_usd: z.number().optional(),
    inference_cost: z.number().optional(),
    inference_cost_usd: z.number().optional(),
    platform_cost: z.number().optional(),
    platform_cost_usd: z.number().optional(),
    inference_cost_breakdown_usd: CostBreakdownUsd.optional(),
    total_tokens: z.number().int().optional(),
    usage_by_category: z.record(z.string(), z.unknown()).optional(),
    /** Ours: seconds of sandbox compute used by the run's executions. */
    compute_seconds: z.number().optional(),
    /** Ours: token counts as reported by the provider. */
    input_tokens: z.number().int().optional(),
    output_tokens: z.number().int().optional(),
  })
  .meta({ id: "RequestUsage" });
export type RequestUsage = z.infer<typeof RequestUsage>;

/** An artifact of a run, discriminated by `artifact_type`. `data` is kept open so every variant round-trips. */
export const ArtifactItem = z
  .object({
    artifact_type: ArtifactType,
    created_at: Timestamp,
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "ArtifactItem" });
export type ArtifactItem = z.infer<typeof ArtifactItem>;

export const RunAgentSkill = z.object({
  full_path: z.string().optional(),
  bundled_skill_id: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
});

export const RunSchedule = z.object({
  schedule_id: z.string(),
  schedule_name: z.string(),
  cron_schedule: z.string(),
});
export type RunSchedule = z.infer<typeof RunSchedule>;

/** A run as the API returns it. */
export const RunItem = z
  .object({
    run_id: z.string(),
    task_id: z.string(),
    title: z.string(),
    prompt: z.string(),
    state: RunState,
    created_at: Timestamp,
    updated_at: Timestamp,
    started_at: Timestamp.nullable().optional(),
    source: RunSourceType.optional(),
    execution_location: ExecutionLocation.optional(),
    creator: UserProfile.optional(),
    executor: UserProfile.optional(),
    scope: Scope.optional(),
    agent_config: AmbientAgentConfig.optional(),
    agent_skill: RunAgentSkill.optional(),
    artifacts: z.array(ArtifactItem).optional(),
    conversation_id: z.string().optional(),
    session_id: z.string().optional(),
    session_link: z.string().optional(),
    is_sandbox_running: z.boolean().optional(),
    is_run_type_cancellable: z.boolean().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    parent_run_id: z.string().optional(),
    request_usage: RequestUsage.optional(),
    run_time: z.string().optional(),
    schedule: RunSchedule.optional(),
    status_message: RunStatusMessage.optional(),
    trigger_url: z.string().optional(),
  })
  .meta({ id: "RunItem" });
export type RunItem = z.infer<typeof RunItem>;

export const PageInfo = z.object({
  has_next_page: z.boolean(),
  next_cursor: z.string().optional(),
});

export const RunsPage = z.object({ runs: z.array(RunItem), page_info: PageInfo }).meta({ id: "RunsPage" });
export type RunsPage = z.infer<typeof RunsPage>;

export const RunSortBy = z.enum(["updated_at", "created_at", "title", "agent"]);
export type RunSortBy = z.infer<typeof RunSortBy>;
export const SortOrder = z.enum(["asc", "desc"]);
export type SortOrder = z.infer<typeof SortOrder>;

/**
 * Query of `GET /agent/runs` after the query-string parser has turned repeated keys into
 * arrays, `metadata[k]=v` into an object and dropped empty values. No component id: OpenAPI describes a
 * query as inline parameters, which a `$ref` cannot be.
 */
export const ListRunsQuery = z.object({
  cursor: z.string().max(4096).optional(),
  limit: z.coerce.number().int("limit must be an integer").min(1).max(100).default(20),
  sort_by: RunSortBy.default("updated_at"),
  sort_order: SortOrder.default("desc"),
  state: z.union([RunState, z.array(RunState)]).optional(),
  source: RunSourceType.optional(),
  execution_location: ExecutionLocation.optional(),
  creator: z.string().optional(),
  executor: z.string().optional(),
  environment_id: z.string().optional(),
  model_id: z.string().optional(),
  name: z.string().optional(),
  config_name: z.string().optional(),
  skill_spec: z.string().optional(),
  skill: z.string().optional(),
  schedule_id: z.string().optional(),
  artifact_type: ArtifactType.optional(),
  ancestor_run_id: z.string().optional(),
  automation_id: z.string().optional(),
  factory_uid: z.string().optional(),
  metadata: z
    .record(z.string(), z.string())
    .refine((m) => Object.keys(m).length <= 5, "at most 5 metadata filters")
    .optional(),
  q: z.string().max(200).optional(),
  created_after: Timestamp.optional(),
  created_before: Timestamp.optional(),
  updated_after: Timestamp.optional(),
});
export type ListRunsQuery = z.infer<typeof ListRunsQuery>;

export const RunIdParams = z.object({ runId: z.string() });

/** Body of a successful `POST /agent/runs/{runId}/cancel`: the bare run ID as `text/plain`. */
export const RunCancelResponse = z.string().meta({ id: "RunCancelResponse" });
